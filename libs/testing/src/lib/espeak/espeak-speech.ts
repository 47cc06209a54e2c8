import { execFileSync } from 'node:child_process';

/**
 * Real synthesized speech for voice activity tests: espeak-ng (Debian package `espeak-ng`) speaks
 * the text into mono 16-bit PCM at its native rate (22050 Hz). Leading and trailing silence is
 * trimmed, so a test that places the result at t knows speech starts at t and ends at t + length.
 */
export interface EspeakSpeech {
  /** Signed 16-bit little-endian mono samples. */
  pcm: Buffer;
  sampleRate: number;
  durationMs: number;
}

export interface EspeakOptions {
  /** Words per minute. @defaultValue 175 (espeak-ng's own) */
  wordsPerMinute?: number;
  /** espeak-ng voice. @defaultValue 'en' */
  voice?: string;
}

/** Samples whose magnitude stays under this count as the silence espeak pads with. */
const SILENCE_LEVEL = 64;

export function espeakSpeech(text: string, options: EspeakOptions = {}): EspeakSpeech {
  const wav = execFileSync('espeak-ng', [
    '--stdout',
    '-v',
    options.voice ?? 'en',
    '-s',
    String(options.wordsPerMinute ?? 175),
    text,
  ]);
  const sampleRate = wav.readUInt32LE(24);
  const data = wav.indexOf('data', 12);
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || data < 0 || wav.readUInt16LE(34) !== 16)
    throw new Error('espeak-ng did not write 16-bit PCM WAV; is the espeak-ng package installed?');
  // --stdout cannot seek back to fill in the sizes: the data runs to the end of the output.
  const body = wav.subarray(data + 8, wav.length - ((wav.length - data - 8) % 2));
  const loud = (i: number) => Math.abs(body.readInt16LE(i * 2)) >= SILENCE_LEVEL;
  const samples = body.length / 2;
  let first = 0;
  while (first < samples && !loud(first)) first++;
  let last = samples - 1;
  while (last > first && !loud(last)) last--;
  if (first >= samples) throw new Error(`espeak-ng spoke nothing for "${text}"`);
  const pcm = Buffer.from(body.subarray(first * 2, (last + 1) * 2));
  return { pcm, sampleRate, durationMs: ((last + 1 - first) * 1000) / sampleRate };
}

export interface PlacedSpeech {
  pcm: Buffer;
  /** Where its first sample goes, ms. */
  atMs: number;
}

/** Mono 16-bit PCM of `totalMs` silence with each part written in at its time (all one rate). */
export function placeSpeech(parts: PlacedSpeech[], sampleRate: number, totalMs: number): Buffer {
  const out = Buffer.alloc(Math.round((totalMs * sampleRate) / 1000) * 2);
  for (const part of parts) {
    const at = Math.round((part.atMs * sampleRate) / 1000) * 2;
    if (at + part.pcm.length > out.length)
      throw new RangeError(`speech at ${part.atMs} ms runs past the end (${totalMs} ms)`);
    part.pcm.copy(out, at);
  }
  return out;
}

/** 16-bit mono PCM from one rate to another, by linear interpolation (test speech only). */
export function resampleLinear16(pcm: Buffer, from: number, to: number): Buffer {
  const inSamples = pcm.length / 2;
  const outSamples = Math.floor((inSamples * to) / from);
  const out = Buffer.alloc(outSamples * 2);
  for (let i = 0; i < outSamples; i++) {
    const x = (i * from) / to;
    const a = Math.floor(x);
    const b = Math.min(a + 1, inSamples - 1);
    const t = x - a;
    out.writeInt16LE(Math.round(pcm.readInt16LE(a * 2) * (1 - t) + pcm.readInt16LE(b * 2) * t), i * 2);
  }
  return out;
}
