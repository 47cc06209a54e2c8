export default {
  displayName: 'deploy-checks',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
