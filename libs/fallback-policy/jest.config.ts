export default {
  displayName: 'fallback-policy',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
