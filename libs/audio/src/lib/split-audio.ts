import { AudioDescription, frameBytes, samplesOf } from './audio-description';
import { encodeWav } from './wav/encode-wav';

// chunkSeconds * sampleRate in binary floating point can land a hair under an integer
// (0.57 * 100 = 56.99999999999999); this nudge keeps such chunks from losing a frame.
const FRAME_EPSILON = 1e-6;

/**
 * Splits the samples into consecutive chunks of at most `chunkSeconds`, cut at frame boundaries
 * (never inside a sample), each returned as a standalone WAV with the source's sample format. A
 * final remainder shorter than a chunk becomes a shorter chunk; nothing becomes no chunk.
 *
 * `audio/l16` input becomes 16-bit PCM WAV chunks, its bytes copied as they are. RFC 2586 defines
 * L16 as big-endian, but the `audio/l16` that speech pipelines send (browsers' AudioWorklet output,
 * telephony media streams, other speech APIs) is little-endian, which is also WAV's byte order:
 * this system treats `audio/l16` as signed 16-bit little-endian throughout.
 *
 * @throws RangeError when chunkSeconds is not positive or shorter than one frame.
 * @throws AudioFormatError when the description does not fit the body.
 */
export function splitAudio(body: Buffer, description: AudioDescription, chunkSeconds: number): Buffer[] {
  if (!Number.isFinite(chunkSeconds) || chunkSeconds <= 0) {
    throw new RangeError(`chunkSeconds must be a positive number of seconds, got ${chunkSeconds}`);
  }
  const framesPerChunk = Math.floor(chunkSeconds * description.sampleRate + FRAME_EPSILON);
  if (framesPerChunk < 1) {
    throw new RangeError(
      `chunkSeconds ${chunkSeconds} is shorter than one frame at ${description.sampleRate} Hz; pass at least ${1 / description.sampleRate}`,
    );
  }
  const samples = samplesOf(body, description);
  const chunkBytes = framesPerChunk * frameBytes(description);
  const chunks: Buffer[] = [];
  for (let start = 0; start < samples.length; start += chunkBytes) {
    chunks.push(
      encodeWav(samples.subarray(start, start + chunkBytes), {
        sampleRate: description.sampleRate,
        channels: description.channels,
        bitsPerSample: description.bitsPerSample,
        encoding: description.encoding,
      }),
    );
  }
  return chunks;
}
