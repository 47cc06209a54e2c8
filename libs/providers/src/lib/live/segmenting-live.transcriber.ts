import type { LiveSessionOptions } from '@streamscribe/contracts';
import { SileroVad, type SpeechSegmenterOptions, resolveSegmenterOptions } from '@streamscribe/vad';
import { ProviderError } from '../provider-error';
import type { TranscriptionProvider } from '../transcription-provider';
import type { LiveConnection, LiveConnectionHandlers, LiveTranscriber } from './live-transcriber';
import { SegmentingConnection } from './segmenting-live.connection';

export interface SegmentingLiveSettings {
  /**
   * While someone speaks, the growing utterance is decoded again this often (audio time) for an
   * interim result; skipped while a decode is still running.
   * @defaultValue 1000
   */
  interimIntervalMs?: number;
  /**
   * Voice activity settings. `minSilenceMs` is the VAD's minimum for endpointing: an utterance
   * ends after max(session endpointing, this) of silence.
   * @defaultValue Silero's thresholds, minSilenceMs 300, minSpeechMs 250, speechPadMs 100
   */
  vad?: SpeechSegmenterOptions;
  /**
   * An utterance that goes on this long is finalized anyway (speech_final false) and continues
   * as a new one: the batch model's window (Whisper's is 30 s) and the latency of a final.
   * @defaultValue 30000
   */
  maxUtteranceMs?: number;
  /** How the model is loaded (once, on the first open); tests pass a shared one. */
  loadVad?: () => Promise<SileroVad>;
}

export interface ResolvedSegmentingSettings {
  interimIntervalMs: number;
  vad: SpeechSegmenterOptions & { minSilenceMs: number; speechPadMs: number };
  maxUtteranceMs: number;
}

export const SEGMENTING_VAD_DEFAULTS = { minSilenceMs: 300, minSpeechMs: 250, speechPadMs: 100 } as const;

/**
 * Live transcription for batch-only providers (Whisper, Parakeet): Silero VAD cuts the stream
 * into utterances, the batch provider decodes each one (again and again as it grows, for
 * interim results), and the results come out as a streaming provider's would: times from the
 * connection's first byte, `speechFinal` at an endpoint, `fromFinalize` on Finalize.
 */
export class SegmentingLiveTranscriber implements LiveTranscriber {
  readonly settings: ResolvedSegmentingSettings;
  private readonly loadVad: () => Promise<SileroVad>;
  private vad?: Promise<SileroVad>;

  constructor(
    private readonly provider: TranscriptionProvider,
    settings: SegmentingLiveSettings = {},
  ) {
    const vad = { ...SEGMENTING_VAD_DEFAULTS, ...settings.vad };
    resolveSegmenterOptions(vad);
    this.settings = {
      interimIntervalMs: settings.interimIntervalMs ?? 1000,
      vad,
      maxUtteranceMs: settings.maxUtteranceMs ?? 30_000,
    };
    if (!(this.settings.interimIntervalMs > 0))
      throw new RangeError(`interimIntervalMs must be > 0, got ${this.settings.interimIntervalMs}`);
    if (!(this.settings.maxUtteranceMs >= 1000))
      throw new RangeError(`maxUtteranceMs must be >= 1000, got ${this.settings.maxUtteranceMs}`);
    this.loadVad = settings.loadVad ?? (() => SileroVad.load());
  }

  get name() {
    return this.provider.name;
  }

  async open(options: LiveSessionOptions, handlers: LiveConnectionHandlers): Promise<LiveConnection> {
    const { encoding, sampleRate, channels } = options.format;
    if (
      (encoding !== 'linear16' && encoding !== 'mulaw') ||
      !Number.isInteger(sampleRate) ||
      sampleRate < 1000 ||
      !Number.isInteger(channels) ||
      channels < 1
    )
      throw new ProviderError(
        `${this.name} live: unsupported audio ${encoding} ${sampleRate} Hz × ${channels} (linear16 or mulaw, at least 1000 Hz, 1+ channels)`,
        { provider: this.name, kind: 'permanent' },
      );
    const vad = await this.model();
    return new SegmentingConnection(this.provider, vad.stream(), options, this.settings, handlers);
  }

  async close(): Promise<void> {
    const vad = this.vad;
    this.vad = undefined;
    if (vad) await (await vad.catch(() => undefined))?.release();
  }

  private async model(): Promise<SileroVad> {
    this.vad ??= this.loadVad();
    try {
      return await this.vad;
    } catch (error) {
      this.vad = undefined;
      throw new ProviderError(`${this.name} live: the Silero VAD model did not load: ${String(error)}`, {
        provider: this.name,
        kind: 'retryable',
        cause: error,
      });
    }
  }
}
