import { dynamicTimeWarping } from './dynamic-time-warping';
import { medianFilter } from './median-filter';

/** Encoder frames per second of audio (1500 frames hold 30 s). */
export const ENCODER_FRAMES_PER_SECOND = 50;

/**
 * openai/whisper's find_alignment from the cross-attention weights already collected: rows[t][h]
 * is alignment head h's attention over the encoder frames while token t was predicted (the last
 * row usually end-of-text's). Each head's [tokens × frames] matrix, cut to the audio's frames, is
 * standardised per frame across tokens and median-filtered along time; the heads' mean, negated,
 * is warped, and each token starts where the path first reaches it. Returns a start in seconds
 * per row (from the window's start).
 */
export function tokenStartTimes(
  rows: readonly (readonly Float32Array[])[],
  audioFrames: number,
  medianWidth = 7,
): number[] {
  if (rows.length === 0) return [];
  const heads = rows[0].length;
  const frames = Math.min(audioFrames, rows[0][0]?.length ?? 0);
  if (heads === 0 || frames === 0) return rows.map(() => 0);
  const mean = rows.map(() => new Float64Array(frames));
  for (let h = 0; h < heads; h++) {
    const weights = rows.map((row) => row[h].subarray(0, frames));
    const standardised = weights.map(() => new Float32Array(frames));
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (const w of weights) sum += w[f];
      const average = sum / weights.length;
      let squares = 0;
      for (const w of weights) squares += (w[f] - average) ** 2;
      const deviation = Math.sqrt(squares / weights.length);
      // A frame every token attends to alike carries no timing: it standardises to 0.
      weights.forEach((w, t) => (standardised[t][f] = deviation > 0 ? (w[f] - average) / deviation : 0));
    }
    standardised.forEach((row, t) =>
      medianFilter(row, medianWidth).forEach((v, f) => (mean[t][f] += v / heads)),
    );
  }
  const path = dynamicTimeWarping(mean.map((row) => row.map((v) => -v)));
  const starts: number[] = [];
  path.textIndices.forEach((text, k) => {
    if (k === 0 || text !== path.textIndices[k - 1])
      starts[text] = path.timeIndices[k] / ENCODER_FRAMES_PER_SECOND;
  });
  return starts;
}
