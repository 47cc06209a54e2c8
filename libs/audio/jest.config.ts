export default {
  displayName: 'audio',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
