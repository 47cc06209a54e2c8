/**
 * mulberry32: a small 32-bit generator of uniform numbers in [0, 1). The same seed gives the same
 * stream on every platform, so sampled decodes can be repeated in tests and investigations.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An index drawn from softmax(logits / temperature); -Infinity logits are never drawn. */
export function sampleIndex(logits: ArrayLike<number>, temperature: number, random: () => number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    total += Math.exp((logits[i] - max) / temperature);
    weights[i] = total;
  }
  const target = random() * total;
  let low = 0;
  let high = logits.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (weights[mid] > target) high = mid;
    else low = mid + 1;
  }
  return low;
}
