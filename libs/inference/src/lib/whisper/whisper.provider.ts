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
import { geometricMeanProbability } from '../runtime/scores';
import type { WhisperDecodingOptions } from './decoding/whisper-decoding-options';
import type { WhisperEngine, WhisperWindow, WindowResult } from './whisper-engine';

/**
 * What the provider needs of an engine: WhisperEngine on this thread, or WhisperThreadEngine in an
 * engine thread (the workers). close() releases it when the worker shuts down.
 */
export type WhisperBatchEngine = Pick<WhisperEngine, 'tokens' | 'windowSeconds' | 'transcribeBatch'> & {
  close?(): Promise<void>;
};

/** maxAudioSeconds defaults to 600 (audio is decoded in 30 s windows). */
export interface WhisperProviderOptions extends BatchedProviderOptions {
  /** Language code to force; undefined detects it per window. */
  language?: string;
  task: 'transcribe' | 'translate';
  /** Ask the model for segment timestamps (word times then follow segments). */
  timestamps: boolean;
  /** Beam search and temperature fallback (the worker passes its WHISPER_* settings); undefined decodes greedily. */
  decoding?: WhisperDecodingOptions;
}

/**
 * Whisper behind the provider interface. A chunk's audio becomes 30 s windows; windows from
 * every chunk in flight share encoder runs through the micro-batcher.
 */
export class WhisperProvider implements TranscriptionProvider {
  readonly name = 'whisper' as const;
  readonly capabilities: ProviderCapabilities;
  private readonly batcher: MicroBatcher<WhisperWindow, WindowResult>;

  constructor(
    private readonly engine: WhisperBatchEngine,
    private readonly options: WhisperProviderOptions,
  ) {
    const languages = [...engine.tokens.languages.keys()];
    this.capabilities = {
      languages: languages.length > 0 ? languages : ['en'],
      diarization: false,
      wordTimestamps: options.timestamps,
      streaming: false,
      maxAudioSeconds: options.maxAudioSeconds ?? 600,
    };
    this.batcher = new MicroBatcher(
      observedBatch(this.name, (windows) => engine.transcribeBatch(windows)),
      options.batch,
    );
  }

  async close(): Promise<void> {
    await this.engine.close?.();
  }

  async transcribe(request: TranscriptionRequest): Promise<ProviderTranscript> {
    try {
      const samples = await decodeModelInput(request, this.capabilities.maxAudioSeconds);
      const language = request.options?.detectLanguage ? undefined : this.languageFor(request.language);
      const results = await Promise.all(this.windows(samples, language).map((w) => this.batcher.submit(w)));
      const logProbs = results.flatMap((r) => r.logProbs);
      return {
        text: results
          .map((r) => r.text)
          .filter(Boolean)
          .join(' '),
        confidence: geometricMeanProbability(logProbs),
        words: results.flatMap((r) => r.words),
        language: results[0]?.language,
        durationSeconds: samples.length / MODEL_SAMPLE_RATE,
        raw: { segments: results.flatMap((r) => r.segments) },
      };
    } catch (error) {
      throw inferenceError(this.name, error);
    }
  }

  /**
   * The model's language code for a BCP-47 or AssemblyAI-style tag (`en-US`, `EN`, `en_us` → `en`);
   * one the model does not know is detected instead, so one chunk's tag cannot fail its batch.
   */
  private languageFor(tag: string | undefined): string | undefined {
    if (tag === undefined) return this.options.language;
    const code = tag.toLowerCase().split(/[-_]/)[0];
    return this.engine.tokens.knows(code) ? code : undefined;
  }

  private windows(samples: Float32Array, language: string | undefined): WhisperWindow[] {
    const size = this.engine.windowSeconds * MODEL_SAMPLE_RATE;
    const count = Math.max(1, Math.ceil(samples.length / size));
    return Array.from({ length: count }, (_, i) => ({
      samples: samples.subarray(i * size, (i + 1) * size),
      offsetSeconds: i * this.engine.windowSeconds,
      language,
      task: this.options.task,
      timestamps: this.options.timestamps,
      decoding: this.options.decoding,
    }));
  }
}
