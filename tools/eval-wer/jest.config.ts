export default {
  displayName: 'eval-wer',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
