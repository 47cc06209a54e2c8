export default {
  displayName: 'worker-whisper',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
