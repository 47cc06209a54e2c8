import { scliteUtteranceCounts, seededRandom } from '@streamscribe/testing';
import { WordErrors, alignWords, poolErrors, wordErrorRate } from './align-words';

describe('alignWords', () => {
  it.each([
    ['a b c d', 'a x c d e', { hits: 3, substitutions: 1, deletions: 0, insertions: 1 }],
    ['the cat sat', 'cat sat on', { hits: 2, substitutions: 0, deletions: 1, insertions: 1 }],
    ['one two three', '', { hits: 0, substitutions: 0, deletions: 3, insertions: 0 }],
    ['', 'noise', { hits: 0, substitutions: 0, deletions: 0, insertions: 1 }],
    ['same words here', 'same words here', { hits: 3, substitutions: 0, deletions: 0, insertions: 0 }],
  ])('%j against %j', (reference, hypothesis, expected) => {
    const words = (text: string) => text.split(' ').filter(Boolean);
    expect(alignWords(words(reference), words(hypothesis))).toEqual({
      referenceWords: words(reference).length,
      ...expected,
    });
  });

  it('pools counts, not rates', () => {
    const a = alignWords(['a'], ['b']);
    const b = alignWords('a b c d e f g h i j'.split(' '), 'a b c d e f g h i j'.split(' '));
    expect(wordErrorRate(poolErrors([a, b]))).toBeCloseTo(1 / 11);
    expect(wordErrorRate(alignWords([], []))).toBe(0);
    expect(wordErrorRate(alignWords([], ['x']))).toBe(Infinity);
  });
});

/**
 * The outside oracle: NIST SCTK's sclite (Debian `sctk`; .ci/run installs it) scores the same
 * seeded random pairs. A small vocabulary makes repeated words, and so the ambiguous alignments
 * where two scorers could disagree, common.
 */
describe('alignWords agrees with sclite', () => {
  const PAIRS = 400;
  const VOCABULARY = 'a the of cat dog sat on mat and ran to it is was big red'.split(' ');

  function randomPairs(seed: number): [string[], string[]][] {
    const random = seededRandom(seed);
    const pick = () => VOCABULARY[Math.floor(random() * VOCABULARY.length)];
    return Array.from({ length: PAIRS }, () => {
      const reference = Array.from({ length: 1 + Math.floor(random() * 20) }, pick);
      const hypothesis: string[] = [];
      for (const word of reference) {
        const roll = random();
        if (roll < 0.1) continue;
        hypothesis.push(roll < 0.2 ? pick() : word);
        if (random() < 0.1) hypothesis.push(pick());
      }
      return [reference, random() < 0.03 ? [] : hypothesis];
    });
  }

  /** sclite's counts for each pair, in the shape alignWords answers with. */
  function scliteCounts(pairs: [string[], string[]][]): WordErrors[] {
    const counts = scliteUtteranceCounts(
      new Map(pairs.map(([reference], i) => [String(i), reference])),
      new Map(pairs.map(([, hypothesis], i) => [String(i), hypothesis])),
    );
    return pairs.map((_, i) => {
      const c = counts.get(String(i));
      if (!c) throw new Error(`sclite reported nothing for pair ${i}`);
      return {
        referenceWords: c.hits + c.substitutions + c.deletions,
        hits: c.hits,
        substitutions: c.substitutions,
        deletions: c.deletions,
        insertions: c.insertions,
      };
    });
  }

  it.each([1, 2, 3])('on %i-seeded random pairs: every pair, and the pooled WER', (seed) => {
    const pairs = randomPairs(seed);
    const ours = pairs.map(([reference, hypothesis]) => alignWords(reference, hypothesis));
    const theirs = scliteCounts(pairs);
    const disagreeing = ours
      .map((o, i) => [i, o, theirs[i]] as const)
      .filter(([, o, t]) => JSON.stringify(o) !== JSON.stringify(t));
    expect(disagreeing).toEqual([]);
    expect(wordErrorRate(poolErrors(ours))).toBe(wordErrorRate(poolErrors(theirs)));
  });
});
