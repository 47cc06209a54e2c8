/** `auto`: CUDA when its libraries load, else CPU (logged once). `cuda`: CUDA or refuse to start. */
export const INFERENCE_DEVICES = ['auto', 'cuda', 'cpu'] as const;
export type InferenceDevice = (typeof INFERENCE_DEVICES)[number];

/** ONNX Runtime graph optimisation levels, as its session options name them. */
export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

export interface SessionSettings {
  device: InferenceDevice;
  /** Threads one operator may use on CPU; 0 lets ONNX Runtime choose (one per core). */
  intraOpThreads: number;
  graphOptimization: GraphOptimizationLevel;
  /** CUDA device ordinal. @defaultValue 0 */
  cudaDeviceId?: number;
}
