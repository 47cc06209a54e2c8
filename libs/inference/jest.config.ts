export default {
  displayName: 'inference',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testEnvironment: '<rootDir>/onnx-test-environment.js',
};
