/** How a hypothesis differs from its reference, word by word. */
export interface WordErrors {
  /** Reference words. */
  referenceWords: number;
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

/**
 * NIST sclite's default alignment costs (a substitution 4, an insertion or a deletion 3, a match
 * 0). Aligning with them, rather than plain Levenshtein, makes the counts agree with sclite's own:
 * where several alignments cost the same, both pick one in the same order (match or substitution,
 * then deletion, then insertion).
 */
const SUBSTITUTION_COST = 4;
const INSERTION_COST = 3;
const DELETION_COST = 3;

/** Aligns two word sequences at minimum cost and counts hits, substitutions, deletions, insertions. */
export function alignWords(reference: readonly string[], hypothesis: readonly string[]): WordErrors {
  const rows = reference.length + 1;
  const cols = hypothesis.length + 1;
  const cost = new Uint32Array(rows * cols);
  for (let i = 1; i < rows; i++) cost[i * cols] = i * DELETION_COST;
  for (let j = 1; j < cols; j++) cost[j] = j * INSERTION_COST;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const diagonal =
        cost[(i - 1) * cols + j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : SUBSTITUTION_COST);
      const deletion = cost[(i - 1) * cols + j] + DELETION_COST;
      const insertion = cost[i * cols + j - 1] + INSERTION_COST;
      cost[i * cols + j] = Math.min(diagonal, deletion, insertion);
    }
  }
  const errors: WordErrors = {
    referenceWords: reference.length,
    hits: 0,
    substitutions: 0,
    deletions: 0,
    insertions: 0,
  };
  let i = reference.length;
  let j = hypothesis.length;
  while (i > 0 || j > 0) {
    const here = cost[i * cols + j];
    if (i > 0 && j > 0) {
      const same = reference[i - 1] === hypothesis[j - 1];
      if (here === cost[(i - 1) * cols + j - 1] + (same ? 0 : SUBSTITUTION_COST)) {
        if (same) errors.hits++;
        else errors.substitutions++;
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === cost[(i - 1) * cols + j] + DELETION_COST) {
      errors.deletions++;
      i--;
    } else {
      errors.insertions++;
      j--;
    }
  }
  return errors;
}

/** Errors per reference word; 0 for an empty reference and hypothesis, Infinity for words against nothing. */
export function wordErrorRate(errors: WordErrors): number {
  const count = errors.substitutions + errors.deletions + errors.insertions;
  if (errors.referenceWords === 0) return count === 0 ? 0 : Infinity;
  return count / errors.referenceWords;
}

/** Sums per-file counts: the pooled WER is their errors over their reference words, not a mean of rates. */
export function poolErrors(all: readonly WordErrors[]): WordErrors {
  return all.reduce<WordErrors>(
    (sum, e) => ({
      referenceWords: sum.referenceWords + e.referenceWords,
      hits: sum.hits + e.hits,
      substitutions: sum.substitutions + e.substitutions,
      deletions: sum.deletions + e.deletions,
      insertions: sum.insertions + e.insertions,
    }),
    { referenceWords: 0, hits: 0, substitutions: 0, deletions: 0, insertions: 0 },
  );
}
