/**
 * openai/whisper's median_filter along one row: a window of `width` (odd) centred on each value,
 * the row reflected at its ends (numpy/torch "reflect": the edge value is not repeated). A row no
 * longer than width / 2 is returned as it is, as there.
 */
export function medianFilter(row: Float32Array, width: number): Float32Array {
  const half = Math.floor(width / 2);
  if (row.length <= half) return row.slice();
  const reflected = (i: number) => row[i < 0 ? -i : i >= row.length ? 2 * (row.length - 1) - i : i];
  const window = new Float32Array(width);
  return Float32Array.from({ length: row.length }, (_, i) => {
    for (let k = 0; k < width; k++) window[k] = reflected(i - half + k);
    window.sort();
    return window[half];
  });
}
