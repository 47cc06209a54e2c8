import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { SegmentingLiveTranscriber, type TranscriptionProvider } from '@streamscribe/providers';

/** The live segmentation variables of a self-hosted worker (defaults as in docs/configuration.md). */
export interface LiveSegmentingSettings {
  LIVE_INTERIM_INTERVAL_MS: number;
  LIVE_MAX_UTTERANCE_MS: number;
  LIVE_VAD_THRESHOLD: number;
  LIVE_VAD_MIN_SILENCE_MS: number;
  LIVE_VAD_MIN_SPEECH_MS: number;
  LIVE_VAD_SPEECH_PAD_MS: number;
}

/**
 * Adds the variables of live transcription by server-side segmentation (Silero VAD cuts, the
 * batch model decodes) to a worker's settings class.
 */
// TypeScript requires a mixin's base constructor to take `...args: any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withLiveSegmentingSettings<B extends new (...args: any[]) => object>(Base: B) {
  class WithLiveSegmentingSettings extends Base implements LiveSegmentingSettings {
    /** While someone speaks, the utterance so far is decoded again this often (ms of audio) for an interim result. */
    @IsInt({ message: 'LIVE_INTERIM_INTERVAL_MS must be an integer' })
    @Min(100)
    @Max(60_000)
    LIVE_INTERIM_INTERVAL_MS = 1000;

    /** An utterance this long is finalized anyway and goes on as a new one (Whisper decodes 30 s windows). */
    @IsInt({ message: 'LIVE_MAX_UTTERANCE_MS must be an integer' })
    @Min(1000)
    @Max(600_000)
    LIVE_MAX_UTTERANCE_MS = 30_000;

    /** Silero speech probability that starts speech; it ends below this minus 0.15. */
    @IsNumber({}, { message: 'LIVE_VAD_THRESHOLD must be a number' })
    @Min(0.16)
    @Max(0.99)
    LIVE_VAD_THRESHOLD = 0.5;

    /** Least silence that ends an utterance, whatever endpointing the client asked for. */
    @IsInt({ message: 'LIVE_VAD_MIN_SILENCE_MS must be an integer' })
    @Min(32)
    @Max(10_000)
    LIVE_VAD_MIN_SILENCE_MS = 300;

    /** Speech shorter than this is noise: no utterance, no decode. */
    @IsInt({ message: 'LIVE_VAD_MIN_SPEECH_MS must be an integer' })
    @Min(0)
    @Max(10_000)
    LIVE_VAD_MIN_SPEECH_MS = 250;

    /** Audio kept on both sides of an utterance's speech when it is decoded. */
    @IsInt({ message: 'LIVE_VAD_SPEECH_PAD_MS must be an integer' })
    @Min(0)
    @Max(2000)
    LIVE_VAD_SPEECH_PAD_MS = 100;
  }
  return WithLiveSegmentingSettings;
}

/** The app's live transcriber: utterances cut by Silero VAD, decoded by its batch provider. */
export function createSegmentingLiveTranscriber(
  env: LiveSegmentingSettings,
  provider: TranscriptionProvider,
): SegmentingLiveTranscriber {
  return new SegmentingLiveTranscriber(provider, {
    interimIntervalMs: env.LIVE_INTERIM_INTERVAL_MS,
    maxUtteranceMs: env.LIVE_MAX_UTTERANCE_MS,
    vad: {
      threshold: env.LIVE_VAD_THRESHOLD,
      minSilenceMs: env.LIVE_VAD_MIN_SILENCE_MS,
      minSpeechMs: env.LIVE_VAD_MIN_SPEECH_MS,
      speechPadMs: env.LIVE_VAD_SPEECH_PAD_MS,
    },
  });
}
