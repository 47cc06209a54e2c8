import { AudioShape } from '../validate/validate-audio';

/** A stretch of speech, in ms from the start of the samples it was found in. */
export interface SpeechSpan {
  startMs: number;
  endMs: number;
}

/**
 * Finds speech in mono samples (floats in -1..1): what cuts at pauses ask of a voice activity
 * detector (libs/vad's Silero `VoiceActivityDetector` is one).
 */
export interface SpeechSpanFinder {
  speechSpans(samples: Float32Array, sampleRate: number): Promise<SpeechSpan[]>;
}

/** Mono floats in -1..1 from interleaved frames of any supported sample format (channels averaged). */
export function monoFloats(bytes: Buffer, shape: AudioShape): Float32Array {
  const sampleBytes = shape.bitsPerSample / 8;
  const frameBytes = sampleBytes * shape.channels;
  const frames = Math.floor(bytes.length / frameBytes);
  const out = new Float32Array(frames);
  const read = sampleReader(bytes, shape);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < shape.channels; c++) sum += read(f * frameBytes + c * sampleBytes);
    out[f] = sum / shape.channels;
  }
  return out;
}

function sampleReader(bytes: Buffer, shape: AudioShape): (at: number) => number {
  if (shape.encoding === 'float') return (at) => bytes.readFloatLE(at);
  switch (shape.bitsPerSample) {
    case 8:
      return (at) => (bytes[at] - 128) / 128;
    case 16:
      return (at) => bytes.readInt16LE(at) / 32768;
    case 24:
      return (at) => bytes.readIntLE(at, 3) / 8388608;
    default:
      return (at) => bytes.readInt32LE(at) / 2147483648;
  }
}

/**
 * Stretches without speech inside [fromMs, toMs] (spans outside are ignored), at least `minMs` long;
 * a stretch that runs into the window's edge counts only for what lies inside.
 */
export function pausesWithin(
  spans: readonly SpeechSpan[],
  fromMs: number,
  toMs: number,
  minMs: number,
): SpeechSpan[] {
  const pauses: SpeechSpan[] = [];
  let at = fromMs;
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (span.endMs <= at) continue;
    if (span.startMs >= toMs) break;
    if (span.startMs - at >= minMs) pauses.push({ startMs: at, endMs: span.startMs });
    at = Math.max(at, span.endMs);
  }
  if (toMs - at >= minMs) pauses.push({ startMs: at, endMs: toMs });
  return pauses;
}
