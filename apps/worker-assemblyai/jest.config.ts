export default {
  displayName: 'worker-assemblyai',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
