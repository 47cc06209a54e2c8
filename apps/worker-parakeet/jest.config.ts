export default {
  displayName: 'worker-parakeet',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
