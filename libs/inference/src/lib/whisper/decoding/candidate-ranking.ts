/**
 * A finished candidate's ranking score: its summed log-probability over length ** lengthPenalty
 * (faster-whisper and CTranslate2; with 1, openai/whisper's mean). An empty candidate ranks last.
 */
export function rankingScore(sumLogProb: number, length: number, lengthPenalty: number): number {
  const score = sumLogProb / Math.pow(length, lengthPenalty);
  return Number.isNaN(score) ? -Infinity : score;
}

/** Index of the best-ranked candidate (the first of equals). */
export function bestCandidate(
  candidates: readonly { sumLogProb: number; length: number }[],
  lengthPenalty: number,
): number {
  let best = 0;
  let bestScore = -Infinity;
  candidates.forEach((c, i) => {
    const score = rankingScore(c.sumLogProb, c.length, lengthPenalty);
    if (score > bestScore) [best, bestScore] = [i, score];
  });
  return best;
}
