export default {
  displayName: 'deepgram-compat',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
