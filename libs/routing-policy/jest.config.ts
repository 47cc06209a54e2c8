export default {
  displayName: 'routing-policy',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
