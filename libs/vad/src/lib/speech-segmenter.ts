import type { SpeechSpan } from './speech-span';
import type { VadFrame } from './vad-frame';

export interface SpeechSegmenterOptions {
  /**
   * Speech starts (or resumes) at a frame whose probability reaches this.
   * @defaultValue 0.5
   */
  threshold?: number;
  /**
   * Silence counts from a frame whose probability falls below this (hysteresis: frames between
   * the two thresholds change nothing).
   * @defaultValue threshold - 0.15, at least 0.01
   */
  negThreshold?: number;
  /**
   * Speech ends once it stayed silent this long; shorter pauses stay inside the segment.
   * @defaultValue 100
   */
  minSilenceMs?: number;
  /**
   * Segments shorter than this are noise: dropped, and `speech_start` waits until a segment is
   * this long.
   * @defaultValue 250
   */
  minSpeechMs?: number;
  /**
   * Reported segments are widened by this on both sides (never before 0, never over the previous
   * segment's end), so word edges the model scores low stay inside.
   * @defaultValue 30
   */
  speechPadMs?: number;
}

export type SpeechEvent =
  /** A segment began at `startMs` (padded); said once it is `minSpeechMs` long. */
  | { type: 'speech_start'; startMs: number }
  /** The segment ended: silence for `minSilenceMs` from `endMs` (before padding), or flush. */
  | { type: 'speech_end'; startMs: number; endMs: number };

export interface ResolvedSegmenterOptions {
  threshold: number;
  negThreshold: number;
  minSilenceMs: number;
  minSpeechMs: number;
  speechPadMs: number;
}

export function resolveSegmenterOptions(options: SpeechSegmenterOptions = {}): ResolvedSegmenterOptions {
  const threshold = options.threshold ?? 0.5;
  const resolved = {
    threshold,
    negThreshold: options.negThreshold ?? Math.max(threshold - 0.15, 0.01),
    minSilenceMs: options.minSilenceMs ?? 100,
    minSpeechMs: options.minSpeechMs ?? 250,
    speechPadMs: options.speechPadMs ?? 30,
  };
  if (!(resolved.threshold > 0 && resolved.threshold <= 1))
    throw new RangeError(`threshold must be in (0, 1], got ${resolved.threshold}`);
  if (!(resolved.negThreshold > 0 && resolved.negThreshold <= resolved.threshold))
    throw new RangeError(
      `negThreshold must be in (0, threshold=${resolved.threshold}], got ${resolved.negThreshold}`,
    );
  for (const name of ['minSilenceMs', 'minSpeechMs', 'speechPadMs'] as const)
    if (!(resolved[name] >= 0)) throw new RangeError(`${name} must be a number >= 0, got ${resolved[name]}`);
  return resolved;
}

/**
 * Turns VAD frames into speech segments with hysteresis (Silero's own get_speech_timestamps
 * rules, streaming): start at `threshold`, end after `minSilenceMs` below `negThreshold`, drop
 * segments under `minSpeechMs`, pad by `speechPadMs`.
 */
export class SpeechSegmenter {
  readonly options: ResolvedSegmenterOptions;
  private speechStartMs?: number;
  private lastSpeechEndMs = 0;
  private silenceStartMs?: number;
  private announced = false;
  private previousEndMs = 0;
  private clockMs = 0;

  constructor(options: SpeechSegmenterOptions = {}) {
    this.options = resolveSegmenterOptions(options);
  }

  /** True while inside a segment (from its first speech frame, before `speech_start` too). */
  get inSpeech(): boolean {
    return this.speechStartMs !== undefined;
  }

  /** True once the open segment was announced with `speech_start`. */
  get speaking(): boolean {
    return this.announced;
  }

  /** Padded start of the open segment (announced or not), or undefined outside one. */
  get openStartMs(): number | undefined {
    return this.speechStartMs === undefined ? undefined : this.paddedStart(this.speechStartMs);
  }

  /** How long it has been silent: since the last speech frame's end (0 while speech goes on). */
  get silenceMs(): number {
    if (this.silenceStartMs !== undefined) return this.clockMs - this.silenceStartMs;
    if (this.speechStartMs !== undefined) return 0;
    return this.clockMs - this.lastSpeechEndMs;
  }

  /** End of the last frame seen, ms. */
  get positionMs(): number {
    return this.clockMs;
  }

  push(frames: readonly VadFrame[]): SpeechEvent[] {
    const events: SpeechEvent[] = [];
    for (const frame of frames) this.step(frame, events);
    return events;
  }

  /** End of audio: closes an open segment at the end of its speech (`speech_end`, when long enough). */
  flush(): SpeechEvent[] {
    const events: SpeechEvent[] = [];
    if (this.speechStartMs !== undefined) this.close(this.silenceStartMs ?? this.clockMs, events, true);
    return events;
  }

  private step(frame: VadFrame, events: SpeechEvent[]): void {
    const { threshold, negThreshold, minSilenceMs, minSpeechMs } = this.options;
    this.clockMs = Math.max(this.clockMs, frame.endMs);
    if (frame.probability >= threshold) {
      this.silenceStartMs = undefined;
      if (this.speechStartMs === undefined) this.speechStartMs = frame.startMs;
      this.lastSpeechEndMs = frame.endMs;
      if (!this.announced && this.lastSpeechEndMs - this.speechStartMs >= minSpeechMs) {
        this.announced = true;
        events.push({ type: 'speech_start', startMs: this.paddedStart(this.speechStartMs) });
      }
      return;
    }
    if (this.speechStartMs === undefined || frame.probability >= negThreshold) return;
    this.silenceStartMs ??= frame.startMs;
    if (frame.endMs - this.silenceStartMs >= minSilenceMs) this.close(this.silenceStartMs, events, false);
  }

  private close(endMs: number, events: SpeechEvent[], atEnd: boolean): void {
    const startMs = this.speechStartMs as number;
    if (endMs - startMs >= this.options.minSpeechMs) {
      const paddedStart = this.paddedStart(startMs);
      if (!this.announced) events.push({ type: 'speech_start', startMs: paddedStart });
      const paddedEnd = atEnd
        ? Math.min(endMs + this.options.speechPadMs, this.clockMs)
        : endMs + this.options.speechPadMs;
      events.push({ type: 'speech_end', startMs: paddedStart, endMs: paddedEnd });
      this.previousEndMs = paddedEnd;
    }
    this.lastSpeechEndMs = endMs;
    this.speechStartMs = undefined;
    this.silenceStartMs = undefined;
    this.announced = false;
  }

  private paddedStart(startMs: number): number {
    return Math.max(0, this.previousEndMs, startMs - this.options.speechPadMs);
  }
}

/** Segments of a finished run of frames, as spans (what `speechSpans` returns). */
export function spansOfFrames(
  frames: readonly VadFrame[],
  options: SpeechSegmenterOptions = {},
): SpeechSpan[] {
  const segmenter = new SpeechSegmenter(options);
  const events = [...segmenter.push(frames), ...segmenter.flush()];
  return events.flatMap((event) =>
    event.type === 'speech_end' ? [{ startMs: event.startMs, endMs: event.endMs }] : [],
  );
}
