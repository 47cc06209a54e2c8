/**
 * Upper bounds (ms of provider time per second of audio) of the latency histogram workers keep
 * per time slot; a last, open bucket holds anything slower. Percentiles interpolate inside a bucket.
 */
export const LATENCY_BOUNDS_MS = [10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2500, 5000];
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export function latencyBucket(msPerAudioSecond: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => msPerAudioSecond <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** The q-quantile (0..1) of a histogram in ms per audio second, or undefined when it is empty. */
export function latencyQuantile(counts: readonly number[], q: number): number | undefined {
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    if (seen + counts[i] >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = LATENCY_BOUNDS_MS[i] ?? lower * 2;
      return lower + ((upper - lower) * (rank - seen)) / counts[i];
    }
    seen += counts[i];
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] * 2;
}
