import { Column } from './word-network';
import { Token } from './word-tokens';

interface Candidate {
  token: Token | null;
  votes: number;
  confidence: number;
  /** Best (lowest) provider rank among this candidate's voters. */
  rank: number;
}

/** Tallies a column by word, in the order words first appear in it ("nothing" is one candidate). */
function tally(column: Column, nullConfidence: number, rankOf: (hypothesis: number) => number): Candidate[] {
  const candidates = new Map<string | null, Candidate>();
  for (const { hypothesis, token } of column) {
    const key = token?.key ?? null;
    const entry = candidates.get(key) ?? { token, votes: 0, confidence: 0, rank: Infinity };
    entry.votes += 1;
    entry.confidence += token?.confidence ?? nullConfidence;
    entry.rank = Math.min(entry.rank, rankOf(hypothesis));
    candidates.set(key, entry);
  }
  return [...candidates.values()];
}

/**
 * SCTK rover's `meth1` (`print_linear`, src/sclite/rover.c): a word scores
 * alpha × (its votes / hypotheses) + (1 − alpha) × (its voters' mean confidence); "nothing" is a
 * word whose every vote carries the null confidence. The first candidate in column order wins a tie.
 */
export function voteLikeSctk(column: Column, alpha: number, nullConfidence: number): Token | null {
  let best: { token: Token | null; score: number } | undefined;
  for (const { token, votes, confidence } of tally(column, nullConfidence, () => 0)) {
    const score = alpha * (votes / column.length) + (1 - alpha) * (confidence / votes);
    if (!best || score > best.score) best = { token, score };
  }
  return best?.token ?? null;
}

/** Scores closer than this are a tie: sums of the same numbers in another order differ in the last bits. */
const TIE = 1e-9;

/**
 * The default vote: a word scores alpha × (its votes / hypotheses) + (1 − alpha) × (its voters'
 * summed normalized confidence / hypotheses). Ties are broken on purpose, never by arrival order:
 * a word beats nothing, then the higher confidence sum wins, then the provider earliest in the
 * configured order. The spelling shown is the most confident voter's.
 */
export function voteWeighted(
  column: Column,
  alpha: number,
  nullConfidence: number,
  rankOf: (hypothesis: number) => number,
): Token | null {
  const n = column.length;
  const score = (c: Candidate): number => (alpha * c.votes) / n + ((1 - alpha) * c.confidence) / n;
  const better = (a: Candidate, b: Candidate): boolean => {
    const diff = score(a) - score(b);
    if (Math.abs(diff) > TIE) return diff > 0;
    if ((a.token === null) !== (b.token === null)) return a.token !== null;
    if (Math.abs(a.confidence - b.confidence) > TIE) return a.confidence > b.confidence;
    return a.rank < b.rank;
  };
  let best: Candidate | undefined;
  for (const candidate of tally(column, nullConfidence, rankOf))
    if (!best || better(candidate, best)) best = candidate;
  if (!best?.token) return null;
  const key = best.token.key;
  return column.reduce<Token | null>(
    (shown, { token }) =>
      token?.key === key && (!shown || token.confidence > shown.confidence) ? token : shown,
    null,
  );
}
