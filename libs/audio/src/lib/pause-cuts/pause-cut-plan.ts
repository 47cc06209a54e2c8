import { AudioRejectedError } from '../validate/audio-rejected.error';
import {
  AUDIO_LIMITS,
  AudioShape,
  assertAcceptableFormat,
  assertEnoughAudio,
} from '../validate/validate-audio';

/** Where a file may be cut: as close to `maxSeconds` as a pause allows, never before `minSeconds`. */
export interface PauseCutOptions {
  /** Earliest cut after a chunk's start (CHUNK_MIN_SECONDS). */
  minSeconds: number;
  /** Latest cut after a chunk's start (CHUNK_SECONDS): a chunk holds at most this plus `overlapSeconds`. */
  maxSeconds: number;
  /** A forced cut (no pause in the window) repeats this much audio on both sides of the cut (CHUNK_OVERLAP_MS / 1000). */
  overlapSeconds: number;
  /** The shortest stretch without speech that counts as a pause. @defaultValue 200 ms */
  minPauseMs?: number;
}

/** How a file is cut at pauses: the cuts are found as the audio arrives, so only a bound is known up front. */
export interface PauseCutPlan {
  frameBytes: number;
  totalBytes: number;
  totalFrames: number;
  minFrames: number;
  maxFrames: number;
  overlapFrames: number;
  /** The last chunk may hold up to this many frames more than `maxFrames` (a too-short rest joins it). */
  minRestFrames: number;
  minPauseMs: number;
  /** No more chunks than this come out (what MAX_CHUNKS_PER_FILE is checked against). */
  chunkCountBound: number;
  durationSeconds: number;
}

/**
 * Plans cuts at pauses for a file of `totalBytes`, with the same validation as `planChunks`. The
 * chunk count is bounded by the shortest step between cuts (`minSeconds`, or `maxSeconds` less the
 * overlap after a forced cut). When that bound is over `maxChunks`, the window's start is raised
 * (longer chunks) until it fits; only a file that does not fit even so is refused.
 *
 * @throws AudioRejectedError for audio that breaks a rule, or too many chunks (`audio_too_many_chunks`).
 * @throws RangeError for a window that is not 0 < minSeconds <= maxSeconds, or an overlap not under half of maxSeconds.
 */
export function planPauseCuts(
  shape: AudioShape,
  totalBytes: number,
  options: PauseCutOptions,
  maxChunks: number,
): PauseCutPlan {
  assertAcceptableFormat(shape);
  const { minSeconds, maxSeconds, overlapSeconds } = options;
  if (!(minSeconds > 0 && minSeconds <= maxSeconds && Number.isFinite(maxSeconds)))
    throw new RangeError(`the cut window must be 0 < min <= max seconds, got ${minSeconds}..${maxSeconds}`);
  if (!(overlapSeconds >= 0 && overlapSeconds * 2 < maxSeconds))
    throw new RangeError(`the overlap (${overlapSeconds} s) must be under half of ${maxSeconds} s`);
  const frameBytes = (shape.channels * shape.bitsPerSample) / 8;
  const totalFrames = Math.floor(totalBytes / frameBytes);
  const durationSeconds = totalFrames / shape.sampleRate;
  assertEnoughAudio(durationSeconds);
  const maxFrames = Math.max(1, Math.round(maxSeconds * shape.sampleRate));
  const overlapFrames = Math.round(overlapSeconds * shape.sampleRate);
  const minRestFrames = Math.ceil(AUDIO_LIMITS.minChunkSeconds * shape.sampleRate);
  let minFrames = Math.max(1, Math.round(minSeconds * shape.sampleRate));
  const bound = (min: number) =>
    totalFrames <= maxFrames + minRestFrames
      ? 1
      : 1 + Math.ceil((totalFrames - maxFrames) / Math.min(min, maxFrames - overlapFrames));
  if (bound(minFrames) > maxChunks && maxChunks > 1) {
    // Longer chunks: the earliest cut moves up until the bound fits (at most to the latest cut).
    minFrames = Math.min(maxFrames, Math.ceil((totalFrames - maxFrames) / (maxChunks - 1)));
  }
  const chunkCountBound = bound(minFrames);
  if (chunkCountBound > maxChunks) {
    throw new AudioRejectedError(
      'audio_too_many_chunks',
      `${durationSeconds.toFixed(1)} s of audio cut at pauses within ${maxSeconds} s may be ${chunkCountBound} chunks, over the ${maxChunks} a file may have (MAX_CHUNKS_PER_FILE): send larger chunkSeconds or a shorter file`,
    );
  }
  return {
    frameBytes,
    totalBytes: totalFrames * frameBytes,
    totalFrames,
    minFrames,
    maxFrames,
    overlapFrames,
    minRestFrames,
    minPauseMs: options.minPauseMs ?? 200,
    chunkCountBound,
    durationSeconds,
  };
}
