export default {
  displayName: 'redis',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
