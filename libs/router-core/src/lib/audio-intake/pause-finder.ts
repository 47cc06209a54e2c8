import type { SpeechSpan, SpeechSpanFinder } from '@streamscribe/audio';
import { createLogger } from '@streamscribe/observability';
import { SileroVad, VoiceActivityDetector } from '@streamscribe/vad';

/** The voice activity detector that cuts at pauses look for speech with (a `SpeechSpanFinder`). */
export const PAUSE_FINDER = Symbol('PAUSE_FINDER');

const log = createLogger('pause-finder');

/**
 * Silero VAD for cuts at pauses, loaded on first use (a router with CHUNK_CUTS=fixed never loads
 * it). Should the model fail to load or run, the audio is judged as all speech, so the cut is
 * forced at the window's end with its overlap (the transcript keeps each word once): logged,
 * rather than a failed upload or a cut through a word.
 */
export class LazySileroPauseFinder implements SpeechSpanFinder {
  private vad?: Promise<VoiceActivityDetector>;

  constructor(private readonly load: () => Promise<VoiceActivityDetector> = () => SileroVad.load()) {}

  async speechSpans(samples: Float32Array, sampleRate: number): Promise<SpeechSpan[]> {
    try {
      this.vad ??= this.load();
      return await (await this.vad).speechSpans(samples, sampleRate);
    } catch (error) {
      log.warn({ err: error }, 'voice activity detection failed: this cut is forced at the window’s end');
      return [{ startMs: 0, endMs: (samples.length * 1000) / sampleRate }];
    }
  }
}
