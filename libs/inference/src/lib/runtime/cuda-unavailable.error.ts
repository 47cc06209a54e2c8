/** INFERENCE_DEVICE=cuda on a machine whose CUDA execution provider does not load. */
export class CudaUnavailableError extends Error {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(
      `INFERENCE_DEVICE=cuda but ONNX Runtime's CUDA execution provider did not load (${reason}). ` +
        "Install CUDA 12 and cuDNN 9 and onnxruntime-node's CUDA provider " +
        '(cd node_modules/onnxruntime-node && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js), or use the GPU image ' +
        '(docker/Dockerfile.gpu); or set INFERENCE_DEVICE=auto to fall back to CPU, or INFERENCE_DEVICE=cpu.',
      { cause },
    );
    this.name = 'CudaUnavailableError';
  }
}
