export default {
  displayName: 'vad',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
