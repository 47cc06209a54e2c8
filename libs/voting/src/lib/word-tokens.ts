/** One word of one hypothesis, as consensus aligns and votes on it. */
export interface Token {
  /** The word as the provider wrote it (shown when this spelling wins). */
  text: string;
  /** What makes two words the same word: lower case, no punctuation. */
  key: string;
  confidence: number;
}

/** Case and punctuation do not make words different. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
}

/** A hypothesis' words with their own confidences; words that normalize to nothing are dropped. */
export function tokenize(
  text: string,
  confidence: number,
  words?: ReadonlyArray<{ word: string; confidence: number }>,
): Token[] {
  const source = words?.length
    ? words
    : text
        .split(/\s+/)
        .filter(Boolean)
        .map((word) => ({ word, confidence }));
  return source
    .map((w) => ({ text: w.word, key: normalizeWord(w.word), confidence: w.confidence }))
    .filter((t) => t.key !== '');
}

/**
 * Per-hypothesis normalization: a word's confidence over its hypothesis' mean, halved and capped,
 * so an average word of any provider scores 0.5. Providers' scales differ (one says 0.99 about
 * everything, another 0.6): raw values would let the overconfident one outvote two that agree.
 */
export function normalizeConfidences(tokens: Token[]): Token[] {
  const mean = tokens.reduce((sum, t) => sum + t.confidence, 0) / Math.max(1, tokens.length);
  return tokens.map((t) => ({ ...t, confidence: mean > 0 ? Math.min(2, t.confidence / mean) / 2 : 0.5 }));
}
