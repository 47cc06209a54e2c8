import { bestCandidate, rankingScore } from './candidate-ranking';

describe('candidate ranking with a length penalty', () => {
  const short = { sumLogProb: -2, length: 4 };
  const long = { sumLogProb: -3, length: 10 };

  it('divides by length ** penalty (faster-whisper / CTranslate2)', () => {
    expect(rankingScore(-3, 10, 1)).toBeCloseTo(-0.3, 12);
    expect(rankingScore(-3, 10, 0)).toBe(-3);
    expect(rankingScore(-3, 9, 0.5)).toBeCloseTo(-1, 12);
  });

  it('prefers the longer, likelier-per-token candidate at 1 and the shorter sum at 0', () => {
    expect(bestCandidate([short, long], 1)).toBe(1);
    expect(bestCandidate([short, long], 0)).toBe(0);
  });

  it('ranks an empty candidate last and takes the first of equals', () => {
    expect(rankingScore(-1, 0, 1)).toBe(-Infinity);
    expect(rankingScore(0, 0, 1)).toBe(-Infinity);
    expect(bestCandidate([{ sumLogProb: -1, length: 0 }, short, { ...short }], 1)).toBe(1);
  });
});
