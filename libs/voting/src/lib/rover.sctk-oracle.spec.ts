import { generateAsrCases, runSctkRover } from '@streamscribe/testing';
import { combineHypotheses, normalizeWord } from './rover';

// NIST SCTK's own `rover` (Debian package `sctk`) is the oracle for the `sctk` mode, as
// @huggingface/transformers is for the log-mel code: the same generated cases (2–4 hypotheses with
// substitutions, insertions, deletions and per-word confidences; seeded) go through both, and the
// words must come out the same. Empty answers are left out here: rover cannot read an empty system.
const CASES = 500;
const SETTINGS = [
  { seed: 101, alpha: 1, nullConfidence: 0 },
  { seed: 202, alpha: 0.7, nullConfidence: 0 },
  { seed: 303, alpha: 0.5, nullConfidence: 0.3 },
];

describe('combineHypotheses in sctk mode against NIST SCTK rover', () => {
  it.each(SETTINGS)(
    'gives rover -m meth1 -a $alpha -c $nullConfidence output on ≥ 98% of cases',
    ({ seed, alpha, nullConfidence }) => {
      const cases = generateAsrCases(seed, CASES);
      const nist = runSctkRover(cases, { alpha, nullConfidence });
      const differing = cases.filter((c) => {
        const ours = combineHypotheses(
          c.hypotheses.map((h) => ({ provider: h.provider, text: '', confidence: 0, words: h.words })),
          { mode: 'sctk', alpha, nullConfidence },
        );
        const ourWords = ours.text.split(' ').map(normalizeWord).filter(Boolean);
        return ourWords.join(' ') !== (nist.get(c.id) ?? []).join(' ');
      });
      // The oracle must have answered, and the cases must be ones where voting has work to do.
      expect([...nist.values()].filter((words) => words.length === 0)).toHaveLength(0);
      const disagreeing = cases.filter(
        (c) => new Set(c.hypotheses.map((h) => h.words.map((w) => w.word).join(' '))).size > 1,
      );
      expect(disagreeing.length).toBeGreaterThan(CASES * 0.8);
      expect(1 - differing.length / CASES).toBeGreaterThanOrEqual(0.98);
    },
  );
});
