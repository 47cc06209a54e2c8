export default {
  displayName: 'gpu-check',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
