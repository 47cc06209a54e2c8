export default {
  displayName: 'router-core',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
