/** One provider's transcript of a chunk, as consensus votes on it. */
export interface Hypothesis {
  provider: string;
  text: string;
  /** 0..1, the provider's own (contract-normalized) confidence for the whole chunk. */
  confidence: number;
  /** Per-word confidences, when the provider gives them; else every word gets `confidence`. */
  words?: ReadonlyArray<{ word: string; confidence: number }>;
}

export interface ConsensusOptions {
  /**
   * Weight of the vote count against confidence (ROVER's alpha): 1 = pure majority, 0 = pure
   * confidence. @defaultValue 0.7
   */
  alpha: number;
}

export interface Consensus {
  text: string;
  /** Mean share of hypotheses that agree with the chosen word, over every aligned position (1 = all identical). */
  agreement: number;
  /** The aligned positions: what each hypothesis said there ('' = nothing) and what won. */
  columns: Array<{ words: Record<string, string>; chosen: string }>;
}

const DEFAULT_OPTIONS: ConsensusOptions = { alpha: 0.7 };

interface Token {
  text: string;
  key: string;
  confidence: number;
}
/** One aligned position: for each hypothesis (by index) its token there, or null for nothing. */
type Column = Array<Token | null>;

/**
 * ROVER-style combination (Fiscus, 1997): the hypotheses are aligned word by word into one
 * network (edit distance, progressively), then each position is voted on. A word's score is
 * alpha × (its votes / hypotheses) + (1 − alpha) × (its voters' normalized confidence / hypotheses);
 * "nothing here" competes like a word, at neutral confidence. Confidences are normalized per
 * hypothesis (a word's confidence over that hypothesis' mean) because providers' scales differ:
 * one provider that says 0.99 about everything must not outvote two that agree.
 */
export function combineHypotheses(hypotheses: readonly Hypothesis[], options: ConsensusOptions = DEFAULT_OPTIONS): Consensus {
  if (hypotheses.length === 0) return { text: '', agreement: 0, columns: [] };
  const tokens = hypotheses.map(tokenize);
  const columns = align(tokens);
  const n = hypotheses.length;
  const chosen = columns.map((column) => vote(column, n, options.alpha));
  const agreement = columns.length === 0 ? 1 : columns.reduce((sum, column, i) => sum + supporters(column, chosen[i]?.key ?? null) / n, 0) / columns.length;
  return {
    text: chosen.filter((t): t is Token => t !== null).map((t) => t.text).join(' '),
    agreement,
    columns: columns.map((column, i) => ({
      words: Object.fromEntries(hypotheses.map((h, k) => [h.provider, column[k]?.text ?? ''])),
      chosen: chosen[i]?.text ?? '',
    })),
  };
}

function tokenize(hypothesis: Hypothesis): Token[] {
  const words = hypothesis.words?.length ? hypothesis.words : hypothesis.text.split(/\s+/).filter(Boolean).map((word) => ({ word, confidence: hypothesis.confidence }));
  const mean = words.reduce((sum, w) => sum + w.confidence, 0) / Math.max(1, words.length);
  return words
    .map((w) => ({ text: w.word, key: normalizeWord(w.word), confidence: mean > 0 ? Math.min(2, w.confidence / mean) / 2 : 0.5 }))
    .filter((t) => t.key !== '');
}

/** Case and punctuation do not make words different. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
}

/** Aligns each hypothesis in turn against the network built so far. */
function align(hypotheses: Token[][]): Column[] {
  let columns: Column[] = hypotheses[0].map((t) => [t]);
  for (let h = 1; h < hypotheses.length; h++) columns = alignOne(columns, hypotheses[h], h);
  return columns;
}

function alignOne(columns: Column[], words: Token[], index: number): Column[] {
  const m = columns.length;
  const n = words.length;
  // cost[i][j]: aligning the first i columns with the first j words.
  const cost = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const match = columns[i - 1].some((t) => t?.key === words[j - 1].key) ? 0 : 1;
      cost[i][j] = Math.min(cost[i - 1][j - 1] + match, cost[i - 1][j] + 1, cost[i][j - 1] + 1);
    }
  }
  const aligned: Column[] = [];
  const empty = (): Column => new Array<Token | null>(index).fill(null);
  let i = m;
  let j = n;
  while (i > 0 || j > 0) {
    const match = i > 0 && j > 0 && columns[i - 1].some((t) => t?.key === words[j - 1].key) ? 0 : 1;
    if (i > 0 && j > 0 && cost[i][j] === cost[i - 1][j - 1] + match) {
      aligned.push([...columns[i - 1], words[j - 1]]);
      i--;
      j--;
    } else if (i > 0 && cost[i][j] === cost[i - 1][j] + 1) {
      aligned.push([...columns[i - 1], null]);
      i--;
    } else {
      aligned.push([...empty(), words[j - 1]]);
      j--;
    }
  }
  return aligned.reverse();
}

function vote(column: Column, n: number, alpha: number): Token | null {
  const candidates = new Map<string | null, { token: Token | null; votes: number; confidence: number }>();
  for (const token of column) {
    const key = token?.key ?? null;
    const entry = candidates.get(key) ?? { token, votes: 0, confidence: 0 };
    entry.votes += 1;
    entry.confidence += token?.confidence ?? 0.5;
    // The spelling shown is the most confident voter's.
    if (token && entry.token && token.confidence > entry.token.confidence) entry.token = token;
    candidates.set(key, entry);
  }
  let best: { token: Token | null; score: number } | undefined;
  for (const { token, votes, confidence } of candidates.values()) {
    const score = (alpha * votes) / n + ((1 - alpha) * confidence) / n;
    if (!best || score > best.score) best = { token, score };
  }
  return best?.token ?? null;
}

function supporters(column: Column, key: string | null): number {
  return column.filter((t) => (t?.key ?? null) === key).length;
}
