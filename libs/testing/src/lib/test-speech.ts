import { encodeWav } from '@streamscribe/audio';

/**
 * "Speech" with a known transcript, for tests: text encoded deterministically into 16 kHz mono
 * signed 16-bit little-endian samples. A fixed preamble marks it, the next sample holds the UTF-8
 * byte count, then each byte is one sample (byte × 100 + 1000), then silence to the duration. Fake
 * providers decode it with `readSpeech`, so a transcript proves which audio reached them.
 */
export const SPEECH_SAMPLE_RATE = 16000;

// Values no silence, tone or real recording starts with, so readSpeech never mistakes audio for text.
const PREAMBLE = [0x5354, -0x5343, 0x5249, -0x4245] as const;
const BYTE_BASE = 1000;
const BYTE_STEP = 100;
const BYTES_PER_SAMPLE = 2;
const MAX_TEXT_BYTES = 0x7fff;
const HEADER_SAMPLES = PREAMBLE.length + 1;

export interface SpeechOptions {
  /** Length of the audio; silence pads the text to it. @defaultValue 1 */
  durationSeconds?: number;
}

/** The text as raw PCM samples (16 kHz mono 16-bit little-endian). */
export function speechPcm(text: string, opts: SpeechOptions = {}): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_TEXT_BYTES) {
    throw new RangeError(
      `speech text is ${bytes.length} UTF-8 bytes; at most ${MAX_TEXT_BYTES} fit the length sample`,
    );
  }
  const durationSeconds = opts.durationSeconds ?? 1;
  const totalSamples = Math.round(durationSeconds * SPEECH_SAMPLE_RATE);
  const codedSamples = HEADER_SAMPLES + bytes.length;
  if (totalSamples < codedSamples) {
    throw new RangeError(
      `speech text of ${bytes.length} bytes needs at least ${codedSamples / SPEECH_SAMPLE_RATE} s of audio; pass a longer durationSeconds`,
    );
  }
  const pcm = Buffer.alloc(totalSamples * BYTES_PER_SAMPLE);
  PREAMBLE.forEach((sample, i) => pcm.writeInt16LE(sample, i * BYTES_PER_SAMPLE));
  pcm.writeInt16LE(bytes.length, PREAMBLE.length * BYTES_PER_SAMPLE);
  bytes.forEach((byte, i) =>
    pcm.writeInt16LE(byte * BYTE_STEP + BYTE_BASE, (HEADER_SAMPLES + i) * BYTES_PER_SAMPLE),
  );
  return pcm;
}

/** The text as a 16 kHz mono 16-bit PCM WAV file. */
export function speechWav(text: string, opts: SpeechOptions = {}): Buffer {
  return encodeWav(speechPcm(text, opts), { sampleRate: SPEECH_SAMPLE_RATE, channels: 1 });
}

/**
 * The text encoded at the start of these samples (mono 16-bit little-endian), or undefined when
 * they do not start with the preamble or the encoding is cut off or corrupt.
 */
export function readSpeech(pcm: Buffer): string | undefined {
  if (pcm.length < HEADER_SAMPLES * BYTES_PER_SAMPLE) return undefined;
  const sample = (i: number) => pcm.readInt16LE(i * BYTES_PER_SAMPLE);
  if (PREAMBLE.some((expected, i) => sample(i) !== expected)) return undefined;
  const length = sample(PREAMBLE.length);
  if (length < 0 || (HEADER_SAMPLES + length) * BYTES_PER_SAMPLE > pcm.length) return undefined;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    const byte = (sample(HEADER_SAMPLES + i) - BYTE_BASE) / BYTE_STEP;
    if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) return undefined;
    bytes[i] = byte;
  }
  return bytes.toString('utf8');
}
