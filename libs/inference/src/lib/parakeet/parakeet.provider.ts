import type {
  ProviderCapabilities,
  ProviderTranscript,
  TranscriptionProvider,
  TranscriptionRequest,
} from '@streamscribe/providers';
import { decodeModelInput } from '../audio/decode-model-input';
import { MODEL_SAMPLE_RATE } from '../audio/to-model-input';
import type { BatchedProviderOptions } from '../batching/batched-provider-options';
import { observedBatch } from '../batching/inference-metrics';
import { MicroBatcher } from '../batching/micro-batcher';
import { inferenceError } from '../runtime/inference-errors';
import type { ParakeetEngine, ParakeetResult } from './parakeet-engine';

/** ParakeetEngine on this thread, or one in an engine thread (the workers); close() releases it. */
export type ParakeetBatchEngine = Pick<ParakeetEngine, 'transcribeBatch'> & { close?(): Promise<void> };

/**
 * Parakeet TDT (English) behind the provider interface; chunks in flight share encoder runs.
 * maxAudioSeconds defaults to 120: the encoder's attention grows with the square of the length.
 */
export class ParakeetProvider implements TranscriptionProvider {
  readonly name = 'parakeet' as const;
  readonly capabilities: ProviderCapabilities;
  private readonly batcher: MicroBatcher<Float32Array, ParakeetResult>;

  constructor(
    private readonly engine: ParakeetBatchEngine,
    options: BatchedProviderOptions,
  ) {
    this.capabilities = {
      languages: ['en'],
      diarization: false,
      wordTimestamps: true,
      streaming: false,
      maxAudioSeconds: options.maxAudioSeconds ?? 120,
    };
    this.batcher = new MicroBatcher(
      observedBatch(this.name, (waveforms) => engine.transcribeBatch(waveforms)),
      options.batch,
    );
  }

  async close(): Promise<void> {
    await this.engine.close?.();
  }

  async transcribe(request: TranscriptionRequest): Promise<ProviderTranscript> {
    try {
      // Too long is permanent for this provider (an AudioFormatError): the chunk fails over.
      const samples = await decodeModelInput(request, this.capabilities.maxAudioSeconds);
      const seconds = samples.length / MODEL_SAMPLE_RATE;
      const result = await this.batcher.submit(samples);
      return { ...result, language: 'en', durationSeconds: seconds };
    } catch (error) {
      throw inferenceError(this.name, error);
    }
  }
}
