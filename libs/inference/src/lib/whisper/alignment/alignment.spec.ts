import { dynamicTimeWarping } from './dynamic-time-warping';
import { medianFilter } from './median-filter';
import { tokenStartTimes } from './token-times';

describe('cross-attention alignment', () => {
  it("warps like openai/whisper's dtw_cpu (its paths, computed by the Python code on the same matrices)", () => {
    const cost = [
      [2.04, -2.56, 0.42, -0.57, -0.45, -0.22, -2.02, -0.23, -0.87],
      [3.32, 0.23, -0.35, -0.28, -0.67, -1.06, -0.39, 0.48, -0.24],
      [0.96, -0.2, 0.02, 1.55, 0.55, -0.51, -0.18, 0.54, 1.94],
      [-0.27, -0.24, 1.0, -0.89, -0.29, 0.88, 0.58, 0.09, 0.67],
    ];
    expect(dynamicTimeWarping(cost)).toEqual({
      textIndices: [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3],
      timeIndices: [0, 1, 2, 3, 4, 5, 6, 6, 6, 7, 8],
    });
    expect(
      dynamicTimeWarping([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]),
    ).toEqual({ textIndices: [0, 1, 2, 2, 2], timeIndices: [0, 0, 0, 1, 2] });
  });

  it('median-filters a row with reflected edges, as numpy pad(mode="reflect")', () => {
    const row = Float32Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    expect([...medianFilter(row, 7)]).toEqual([1, 3, 3, 3, 4, 5, 5, 5, 5, 5, 5]);
    expect([...medianFilter(Float32Array.from([2, 1]), 7)]).toEqual([2, 1]);
  });

  it('starts each token where the attention of the alignment heads moves to it', () => {
    // Three tokens attending to frames [0, 10), [10, 25) and [25, 40) of 50 (0.02 s each), in two heads.
    const box = (from: number, to: number) =>
      Float32Array.from({ length: 50 }, (_, f) => (f >= from && f < to ? 1 / (to - from) : 0.0001));
    const rows = [
      [box(0, 10), box(0, 10)],
      [box(10, 25), box(10, 25)],
      [box(25, 40), box(25, 40)],
    ];
    expect(tokenStartTimes(rows, 40)).toEqual([0, 0.2, 0.5]);
    // Frames past the audio are cut off, whatever the heads do there.
    const noisyTail = rows.map((heads) =>
      heads.map((h) => Float32Array.from(h, (v, f) => (f >= 40 ? ((f * 37) % 11) / 11 : v))),
    );
    expect(tokenStartTimes(noisyTail, 40)).toEqual([0, 0.2, 0.5]);
  });
});
