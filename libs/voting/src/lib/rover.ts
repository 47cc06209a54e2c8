import { voteLikeSctk, voteWeighted } from './column-vote';
import { alignHypotheses, Column } from './word-network';
import { normalizeConfidences, Token, tokenize } from './word-tokens';

export { normalizeWord } from './word-tokens';

/** One provider's transcript of a chunk, as consensus votes on it. */
export interface Hypothesis {
  provider: string;
  text: string;
  /** 0..1, the provider's own (contract-normalized) confidence for the whole chunk. */
  confidence: number;
  /** Per-word confidences, when the provider gives them; else every word gets `confidence`. */
  words?: ReadonlyArray<{ word: string; confidence: number }>;
}

/**
 * `default`: our vote (normalized confidences, deliberate ties, empty answers left out while
 * another provider has words). `sctk`: what NIST SCTK's `rover -m meth1 -a alpha -c nullConfidence`
 * outputs for the same words and confidences, ties included; kept so SCTK can check our alignment.
 */
export type ConsensusMode = 'default' | 'sctk';

export interface ConsensusOptions {
  mode: ConsensusMode;
  /**
   * Weight of the vote count against confidence (ROVER's alpha), 0..1. At 1 confidences only break
   * ties. At 0 in the default mode every vote counts by its normalized confidence, so agreeing
   * providers still add up (it is confidence-weighted voting, not "pure confidence"); at 0 in `sctk`
   * mode a word scores its voters' mean confidence, however few they are.
   * @defaultValue 0.7 (default mode); 1 (`sctk`, rover's own `-a` default)
   */
  alpha: number;
  /**
   * Confidence of each vote for "nothing here". In the default mode confidences are normalized so
   * an average word scores 0.5. Just under that, an average word outvotes one silence on its own
   * (no tie to break), while a below-average word one provider alone heard (a stutter, a
   * low-confidence insertion) loses to one silence. At 0, as in NIST's rover, "nothing" wins on
   * votes only and every lone insertion of a two-provider vote stays. 0.45 gave the lowest pooled
   * WER and the fewest doubled words below 0.5 in `npm run eval:rover`'s sweep (BENCHMARKS.md).
   * @defaultValue 0.45 (default mode); 0 (`sctk`, rover's own `-c` default)
   */
  nullConfidence: number;
  /**
   * Providers in order of trust: the last tie-breaker in the default mode, and the order in which
   * hypotheses are aligned (so the result never depends on the order answers came back in).
   * Providers not listed follow, by name. Ignored in `sctk` mode (input order is rover's order).
   * @defaultValue []
   */
  providerOrder: readonly string[];
}

export interface Consensus {
  text: string;
  /** Mean share of voting hypotheses that agree with the chosen word, over every aligned position (1 = all identical). */
  agreement: number;
  /** The aligned positions: what each voting hypothesis said there ('' = nothing) and what won. */
  columns: Array<{ words: Record<string, string>; chosen: string }>;
}

const DEFAULTS: Record<ConsensusMode, ConsensusOptions> = {
  default: { mode: 'default', alpha: 0.7, nullConfidence: 0.45, providerOrder: [] },
  sctk: { mode: 'sctk', alpha: 1, nullConfidence: 0, providerOrder: [] },
};

/**
 * ROVER (Fiscus, 1997): the hypotheses are aligned word by word into one network with SCTK's
 * costs, then each position is voted on (see `ConsensusOptions.mode` for the two votes).
 */
export function combineHypotheses(
  hypotheses: readonly Hypothesis[],
  options: Partial<ConsensusOptions> = {},
): Consensus {
  const settings: ConsensusOptions = { ...DEFAULTS[options.mode ?? 'default'], ...options };
  const voters =
    settings.mode === 'sctk' ? [...hypotheses] : votersInOrder(hypotheses, settings.providerOrder);
  if (voters.length === 0) return { text: '', agreement: 0, columns: [] };
  const tokens = voters.map((h) => {
    const own = tokenize(h.text, h.confidence, h.words);
    return settings.mode === 'sctk' ? own : normalizeConfidences(own);
  });
  const columns = alignHypotheses(tokens);
  const chosen = columns.map((column) =>
    settings.mode === 'sctk'
      ? voteLikeSctk(column, settings.alpha, settings.nullConfidence)
      : voteWeighted(column, settings.alpha, settings.nullConfidence, (h) => h),
  );
  const n = voters.length;
  const agreement =
    columns.length === 0
      ? 1
      : columns.reduce((sum, column, i) => sum + supporters(column, chosen[i]) / n, 0) / columns.length;
  return {
    text: chosen
      .filter((t): t is Token => t !== null)
      .map((t) => t.text)
      .join(' '),
    agreement,
    columns: columns.map((column, i) => ({
      words: Object.fromEntries(
        voters.map((h, k) => [h.provider, column.find((arc) => arc.hypothesis === k)?.token?.text ?? '']),
      ),
      chosen: chosen[i]?.text ?? '',
    })),
  };
}

/**
 * Default-mode voters, most trusted first. An empty answer is left out while another provider has
 * words: "I heard nothing" from one provider must not delete what another heard.
 */
function votersInOrder(hypotheses: readonly Hypothesis[], providerOrder: readonly string[]): Hypothesis[] {
  const rank = (provider: string): number => {
    const i = providerOrder.indexOf(provider);
    return i < 0 ? providerOrder.length : i;
  };
  const ordered = [...hypotheses].sort(
    (a, b) => rank(a.provider) - rank(b.provider) || a.provider.localeCompare(b.provider),
  );
  const spoken = ordered.filter((h) => tokenize(h.text, h.confidence, h.words).length > 0);
  return spoken.length > 0 ? spoken : ordered;
}

function supporters(column: Column, chosen: Token | null): number {
  return column.filter((arc) => (arc.token?.key ?? null) === (chosen?.key ?? null)).length;
}
