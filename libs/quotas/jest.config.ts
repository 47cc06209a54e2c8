export default {
  displayName: 'quotas',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
