export default {
  displayName: 'chaos-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
