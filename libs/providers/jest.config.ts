export default {
  displayName: 'providers',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // The segmenting live transcriber runs Silero on onnxruntime-node, whose output tensors need the
  // host's typed arrays (see the file's comment).
  testEnvironment: '<rootDir>/../inference/onnx-test-environment.js',
};
