import { IsIn, IsInt, Max, Min } from 'class-validator';
import {
  GRAPH_OPTIMIZATION_LEVELS,
  GraphOptimizationLevel,
  INFERENCE_DEVICES,
  InferenceDevice,
  SessionSettings,
} from '../runtime/inference-device';
import type { MicroBatcherOptions } from '../batching/micro-batcher';

/** The inference variables every self-hosted worker reads (defaults as in docs/configuration.md). */
export interface InferenceSettings {
  INFERENCE_DEVICE: InferenceDevice;
  INFERENCE_CUDA_DEVICE_ID: number;
  INFERENCE_INTRA_OP_THREADS: number;
  INFERENCE_GRAPH_OPTIMIZATION: GraphOptimizationLevel;
  INFERENCE_BATCH_SIZE: number;
  INFERENCE_BATCH_WAIT_MS: number;
}

/**
 * Adds the inference variables to a worker's settings class (a mixin, because the settings base
 * class lives in worker-runtime, which this library may not depend on).
 */
// TypeScript requires a mixin's base constructor to take `...args: any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withInferenceSettings<B extends new (...args: any[]) => object>(Base: B) {
  class WithInferenceSettings extends Base implements InferenceSettings {
    @IsIn(INFERENCE_DEVICES, { message: `INFERENCE_DEVICE must be one of ${INFERENCE_DEVICES.join(', ')}` })
    INFERENCE_DEVICE: InferenceDevice = 'auto';

    @IsInt({ message: 'INFERENCE_CUDA_DEVICE_ID must be an integer' })
    @Min(0)
    INFERENCE_CUDA_DEVICE_ID = 0;

    /** Threads per operator on CPU; 0 lets ONNX Runtime use one per core. */
    @IsInt({ message: 'INFERENCE_INTRA_OP_THREADS must be an integer' })
    @Min(0)
    @Max(1024)
    INFERENCE_INTRA_OP_THREADS = 0;

    @IsIn(GRAPH_OPTIMIZATION_LEVELS, {
      message: `INFERENCE_GRAPH_OPTIMIZATION must be one of ${GRAPH_OPTIMIZATION_LEVELS.join(', ')}`,
    })
    INFERENCE_GRAPH_OPTIMIZATION: GraphOptimizationLevel = 'all';

    /** Most chunk windows one encoder run takes. */
    @IsInt({ message: 'INFERENCE_BATCH_SIZE must be an integer' })
    @Min(1)
    @Max(256)
    INFERENCE_BATCH_SIZE = 8;

    /** How long the first chunk of a batch waits for more, in ms. */
    @IsInt({ message: 'INFERENCE_BATCH_WAIT_MS must be an integer' })
    @Min(0)
    @Max(10_000)
    INFERENCE_BATCH_WAIT_MS = 10;
  }
  return WithInferenceSettings;
}

export function sessionSettingsFrom(env: InferenceSettings): SessionSettings {
  return {
    device: env.INFERENCE_DEVICE,
    cudaDeviceId: env.INFERENCE_CUDA_DEVICE_ID,
    intraOpThreads: env.INFERENCE_INTRA_OP_THREADS,
    graphOptimization: env.INFERENCE_GRAPH_OPTIMIZATION,
  };
}

export function batchOptionsFrom(env: InferenceSettings): MicroBatcherOptions {
  return { maxBatchSize: env.INFERENCE_BATCH_SIZE, maxWaitMs: env.INFERENCE_BATCH_WAIT_MS };
}
