export default {
  displayName: 'worker-runtime',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
