export default {
  displayName: 'provider-health',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
