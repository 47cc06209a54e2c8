import { AudioRejectedError } from './audio-rejected.error';
import { AUDIO_LIMITS, AudioShape, assertAcceptableFormat, assertEnoughAudio } from './validate-audio';

// chunkSeconds * sampleRate in binary floating point can land a hair under an integer
// (0.57 * 100 = 56.99999999999999); this nudge keeps such chunks from losing a frame.
const FRAME_EPSILON = 1e-6;

/** How a file's samples are cut: known, and checked against the caps, before any chunk is queued. */
export interface ChunkPlan {
  /** Bytes of one frame (one sample of every channel). */
  frameBytes: number;
  /** Bytes of samples in the whole file, a whole number of frames. */
  totalBytes: number;
  /** Bytes of samples in every chunk but the last. */
  chunkBytes: number;
  /** How many chunks the file becomes; the last holds the rest (a too-short rest joins it). */
  chunkCount: number;
  durationSeconds: number;
}

/**
 * Plans how a whole file is split into chunks of `chunkSeconds`, validating the file with the same
 * rules as each chunk (`assertAcceptableFormat`, `assertEnoughAudio`). A final remainder shorter
 * than `AUDIO_LIMITS.minChunkSeconds` is joined to the chunk before it, so no chunk is too short to
 * carry speech, and the last chunk may be up to that much longer than `chunkSeconds`.
 *
 * @throws AudioRejectedError for audio that breaks a rule, or more chunks than `maxChunks`
 *   (`audio_too_many_chunks`).
 * @throws RangeError when chunkSeconds is not positive or shorter than one frame.
 */
export function planChunks(
  shape: AudioShape,
  totalBytes: number,
  chunkSeconds: number,
  maxChunks: number,
): ChunkPlan {
  assertAcceptableFormat(shape);
  if (!Number.isFinite(chunkSeconds) || chunkSeconds <= 0) {
    throw new RangeError(`chunkSeconds must be a positive number of seconds, got ${chunkSeconds}`);
  }
  const frameBytes = (shape.channels * shape.bitsPerSample) / 8;
  const frames = Math.floor(totalBytes / frameBytes);
  const durationSeconds = frames / shape.sampleRate;
  assertEnoughAudio(durationSeconds);
  const framesPerChunk = Math.floor(chunkSeconds * shape.sampleRate + FRAME_EPSILON);
  if (framesPerChunk < 1) throw new RangeError(`chunkSeconds ${chunkSeconds} is shorter than one frame`);
  const minFrames = Math.ceil(AUDIO_LIMITS.minChunkSeconds * shape.sampleRate);
  let chunkCount = Math.ceil(frames / framesPerChunk);
  const rest = frames - (chunkCount - 1) * framesPerChunk;
  if (chunkCount > 1 && rest < minFrames) chunkCount -= 1;
  if (chunkCount > maxChunks) {
    throw new AudioRejectedError(
      'audio_too_many_chunks',
      `${durationSeconds.toFixed(1)} s of audio in ${chunkSeconds} s chunks is ${chunkCount} chunks, over the ${maxChunks} a file may have (MAX_CHUNKS_PER_FILE): send larger chunkSeconds or a shorter file`,
    );
  }
  return {
    frameBytes,
    totalBytes: frames * frameBytes,
    chunkBytes: framesPerChunk * frameBytes,
    chunkCount,
    durationSeconds,
  };
}
