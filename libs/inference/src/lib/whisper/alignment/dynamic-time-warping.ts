/** A monotonic path through a cost matrix: pairs (textIndices[i], timeIndices[i]), both non-decreasing. */
export interface WarpingPath {
  textIndices: number[];
  timeIndices: number[];
}

/**
 * openai/whisper's dtw (timing.py dtw_cpu and backtrace): the cheapest path from (0, 0) to
 * (N-1, M-1) through cost [N][M], stepping down, right or diagonally; ties go right, then down,
 * as there, so the same matrix gives the same path.
 */
export function dynamicTimeWarping(cost: ArrayLike<number>[]): WarpingPath {
  const n = cost.length;
  const m = n === 0 ? 0 : cost[0].length;
  const width = m + 1;
  const total = new Float64Array((n + 1) * width).fill(Infinity);
  const trace = new Int8Array((n + 1) * width).fill(-1);
  total[0] = 0;
  for (let j = 1; j <= m; j++) {
    for (let i = 1; i <= n; i++) {
      const diagonal = total[(i - 1) * width + j - 1];
      const up = total[(i - 1) * width + j];
      const left = total[i * width + j - 1];
      let best: number;
      let step: number;
      if (diagonal < up && diagonal < left) [best, step] = [diagonal, 0];
      else if (up < diagonal && up < left) [best, step] = [up, 1];
      else [best, step] = [left, 2];
      total[i * width + j] = cost[i - 1][j - 1] + best;
      trace[i * width + j] = step;
    }
  }
  for (let j = 0; j <= m; j++) trace[j] = 2;
  for (let i = 0; i <= n; i++) trace[i * width] = 1;
  const textIndices: number[] = [];
  const timeIndices: number[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    textIndices.push(i - 1);
    timeIndices.push(j - 1);
    const step = trace[i * width + j];
    if (step === 0) [i, j] = [i - 1, j - 1];
    else if (step === 1) i -= 1;
    else j -= 1;
  }
  return { textIndices: textIndices.reverse(), timeIndices: timeIndices.reverse() };
}
