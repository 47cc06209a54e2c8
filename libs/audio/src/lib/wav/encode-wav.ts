import { AudioFormatError } from '../audio-format.error';
import { assertSupportedSampleFormat, formatCodeOf, SampleEncoding } from './sample-format';

export interface EncodeWavOptions {
  sampleRate: number;
  channels: number;
  /** @defaultValue 16 */
  bitsPerSample?: number;
  /** @defaultValue 'pcm' */
  encoding?: SampleEncoding;
}

export const WAV_HEADER_BYTES = 44;
const MAX_RIFF_SIZE = 0xffffffff;

/**
 * Wraps interleaved little-endian samples in the canonical 44-byte WAV header (RIFF, a 16-byte
 * `fmt ` chunk, `data`). An odd-sized data chunk (8-bit mono, odd frame count) gets the pad byte
 * RIFF requires.
 *
 * @throws AudioFormatError when the options describe an unsupported or impossible format, or the
 * samples are not a whole number of frames.
 */
export function encodeWav(pcm: Buffer, opts: EncodeWavOptions): Buffer {
  const bitsPerSample = opts.bitsPerSample ?? 16;
  const encoding = opts.encoding ?? 'pcm';
  assertPositiveInteger('sampleRate', opts.sampleRate, MAX_RIFF_SIZE);
  assertPositiveInteger('channels', opts.channels, 0xffff);
  assertSupportedSampleFormat(encoding, bitsPerSample);

  const blockAlign = (opts.channels * bitsPerSample) / 8;
  const byteRate = opts.sampleRate * blockAlign;
  if (blockAlign > 0xffff || byteRate > MAX_RIFF_SIZE) {
    throw new AudioFormatError(
      `cannot encode WAV: ${opts.channels} channel(s) of ${bitsPerSample}-bit samples at ${opts.sampleRate} Hz overflow the WAV header's fields`,
    );
  }
  if (pcm.length % blockAlign !== 0) {
    throw new AudioFormatError(
      `cannot encode WAV: ${pcm.length} bytes of samples is not a whole number of ${blockAlign}-byte frames`,
    );
  }
  const pad = pcm.length & 1;
  const riffSize = WAV_HEADER_BYTES - 8 + pcm.length + pad;
  if (riffSize > MAX_RIFF_SIZE) {
    throw new AudioFormatError(
      `cannot encode WAV: ${pcm.length} bytes of samples exceed the 4 GiB RIFF limit`,
    );
  }

  const wav = Buffer.alloc(WAV_HEADER_BYTES + pcm.length + pad);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(riffSize, 4);
  wav.write('WAVE', 8, 'latin1');
  wav.write('fmt ', 12, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(formatCodeOf(encoding), 20);
  wav.writeUInt16LE(opts.channels, 22);
  wav.writeUInt32LE(opts.sampleRate, 24);
  wav.writeUInt32LE(byteRate, 28);
  wav.writeUInt16LE(blockAlign, 32);
  wav.writeUInt16LE(bitsPerSample, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(pcm.length, 40);
  pcm.copy(wav, WAV_HEADER_BYTES);
  return wav;
}

function assertPositiveInteger(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new AudioFormatError(
      `cannot encode WAV: ${name} must be an integer from 1 to ${max}, got ${value}`,
    );
  }
}
