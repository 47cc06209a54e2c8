export default {
  displayName: 'router',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Cuts at pauses run Silero on onnxruntime-node in the router: its tensors need the host's typed arrays.
  testEnvironment: '<rootDir>/../../libs/inference/onnx-test-environment.js',
};
