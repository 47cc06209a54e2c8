export default {
  displayName: 'voting',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
