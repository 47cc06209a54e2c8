export default {
  displayName: 'worker-deepgram',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
