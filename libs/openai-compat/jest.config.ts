export default {
  displayName: 'openai-compat',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
