export default {
  displayName: 'fuzzing',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
