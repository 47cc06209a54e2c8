import { AudioDescription, samplesOf } from './audio-description';
import { encodeWav } from './wav/encode-wav';

/**
 * The body as a WAV: a WAV passes through unchanged (metadata chunks and all); `audio/l16`
 * (signed 16-bit little-endian, see `splitAudio`) is wrapped in a canonical header.
 */
export function toWav(body: Buffer, description: AudioDescription): Buffer {
  if (description.format === 'wav') return body;
  return encodeWav(samplesOf(body, description), {
    sampleRate: description.sampleRate,
    channels: description.channels,
    bitsPerSample: 16,
    encoding: 'pcm',
  });
}
