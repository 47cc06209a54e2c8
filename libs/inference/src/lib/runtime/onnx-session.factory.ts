import { InferenceSession } from 'onnxruntime-node';
import type { Logger } from '@streamscribe/observability';
import { CudaUnavailableError } from './cuda-unavailable.error';
import { Float16IoSession } from './float16-io-session';
import { SessionSettings } from './inference-device';

export type ActiveDevice = 'cuda' | 'cpu';

/**
 * Creates ONNX Runtime sessions on the configured device. The first session decides: `auto` asks
 * for CUDA and, when its libraries do not load, says so once and uses CPU from then on; `cuda`
 * throws CudaUnavailableError instead.
 */
export class OnnxSessionFactory {
  private device?: ActiveDevice;

  constructor(
    private readonly settings: SessionSettings,
    private readonly log: Logger,
  ) {}

  /** The device sessions run on; undefined until the first session is created. */
  get activeDevice(): ActiveDevice | undefined {
    return this.device;
  }

  /** A session on the chosen device; an fp16 export's comes wrapped to take and give float32. */
  async create(modelPath: string): Promise<InferenceSession> {
    const session = await this.createOnDevice(modelPath);
    return Float16IoSession.needed(session) ? new Float16IoSession(session) : session;
  }

  private async createOnDevice(modelPath: string): Promise<InferenceSession> {
    if (this.device) return InferenceSession.create(modelPath, this.options(this.device));
    if (this.settings.device === 'cpu') return this.settle('cpu', modelPath);
    try {
      return await this.settle('cuda', modelPath);
    } catch (error) {
      if (!isMissingCuda(error)) throw error;
      if (this.settings.device === 'cuda') throw new CudaUnavailableError(error);
      const reason = (error as Error).message.split('\n')[0];
      this.log.warn(
        { reason },
        'INFERENCE_DEVICE=auto: the CUDA execution provider did not load, running on CPU',
      );
      return this.settle('cpu', modelPath);
    }
  }

  private async settle(device: ActiveDevice, modelPath: string): Promise<InferenceSession> {
    const session = await InferenceSession.create(modelPath, this.options(device));
    this.device = device;
    this.log.info({ device, model: modelPath }, 'inference device chosen');
    return session;
  }

  private options(device: ActiveDevice): InferenceSession.SessionOptions {
    const { intraOpThreads, graphOptimization, cudaDeviceId = 0 } = this.settings;
    return {
      executionProviders: device === 'cuda' ? [{ name: 'cuda', deviceId: cudaDeviceId }] : ['cpu'],
      graphOptimizationLevel: graphOptimization,
      ...(intraOpThreads > 0 ? { intraOpNumThreads: intraOpThreads } : {}),
    };
  }
}

/**
 * onnxruntime-node reports a CUDA provider it cannot use as a failed shared-library load (no
 * libonnxruntime_providers_cuda.so, or no libcudart/libcudnn behind it) or as an unknown backend.
 */
function isMissingCuda(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /cuda|shared library|providers_shared|backend/i.test(message);
}
