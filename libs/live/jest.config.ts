export default {
  displayName: 'live',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
