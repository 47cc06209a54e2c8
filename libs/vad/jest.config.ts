export default {
  displayName: 'vad',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // onnxruntime-node's output tensors need the host's typed arrays (see the file's comment).
  testEnvironment: '<rootDir>/../inference/onnx-test-environment.js',
};
