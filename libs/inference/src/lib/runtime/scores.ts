/** log(sum(exp(x))) in double precision, stable for large logits: logits[i] minus it is log softmax. */
export function logSumExp(logits: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return max + Math.log(sum);
}

/** log(softmax(x)) in double precision, stable for large logits. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const logSum = logSumExp(logits);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - logSum;
  return out;
}

/** Index of the largest value in [from, to). */
export function argmax(values: ArrayLike<number>, from = 0, to = values.length): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** exp(mean log p): a 0..1 confidence comparable with the cloud providers'; 0 for no tokens. */
export function geometricMeanProbability(logProbs: readonly number[]): number {
  if (logProbs.length === 0) return 0;
  const mean = logProbs.reduce((sum, p) => sum + p, 0) / logProbs.length;
  const probability = Math.exp(mean);
  return Number.isFinite(probability) ? Math.min(1, Math.max(0, probability)) : 0;
}

/** Indices of the k largest values, largest first (ties: lower index first). */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (best.length === k && values[i] <= values[best[k - 1]]) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && values[best[at - 1]] < values[i]) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = i;
  }
  return best;
}
