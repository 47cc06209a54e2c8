import type { LiveClientResult } from './live-client-protocol';
import type { ScriptedWord } from './spoken-words';

/** How the finals a client received compare with the script it streamed. */
export interface LiveFinalsVerdict {
  expected: number;
  /** Final words matched to a script word, each counted once. */
  matched: number;
  /** Script words no final carried. */
  missing: string[];
  /** Final words that repeat a script word an earlier final already carried. */
  duplicated: string[];
  /** Final words at no script word (wrong text, or nowhere near a word with that text). */
  unexpected: string[];
  /** Final words that came after a later script word's. */
  outOfOrder: string[];
  /** Largest |final word start - script word start|, ms, over the matched words. */
  maxStartErrorMs: number;
  /** Matched words whose start or end is off by more than the tolerance. */
  offTime: string[];
  /** Everything above, as sentences; empty when every word came exactly once, in order, on time. */
  problems: string[];
}

/**
 * Judges the finals (is_final results, in the order received) against the script: every word
 * exactly once, in order, its start and end within `toleranceMs` of the script's. A final word is
 * matched to the script word with the same text whose start is nearest (within 2 s, so repeated
 * words in the script stay apart).
 */
export function judgeLiveFinals(
  script: readonly ScriptedWord[],
  results: readonly LiveClientResult[],
  toleranceMs: number,
): LiveFinalsVerdict {
  const taken = new Set<number>();
  const missing: string[] = [];
  const duplicated: string[] = [];
  const unexpected: string[] = [];
  const outOfOrder: string[] = [];
  const offTime: string[] = [];
  let maxStartErrorMs = 0;
  let lastIndex = -1;
  for (const result of results) {
    if (!result.isFinal) continue;
    for (const w of result.words) {
      const startMs = w.start * 1000;
      let best = -1;
      for (let i = 0; i < script.length; i++) {
        if (script[i].word !== w.word) continue;
        if (best < 0 || Math.abs(script[i].startMs - startMs) < Math.abs(script[best].startMs - startMs))
          best = i;
      }
      const label = `"${w.word}"@${w.start.toFixed(2)}s`;
      if (best < 0 || Math.abs(script[best].startMs - startMs) > 2000) {
        unexpected.push(label);
        continue;
      }
      if (taken.has(best)) {
        duplicated.push(label);
        continue;
      }
      taken.add(best);
      if (best < lastIndex) outOfOrder.push(label);
      lastIndex = Math.max(lastIndex, best);
      const s = script[best];
      const startError = Math.abs(startMs - s.startMs);
      const endError = Math.abs(w.end * 1000 - (s.startMs + s.durationMs));
      maxStartErrorMs = Math.max(maxStartErrorMs, startError);
      if (startError > toleranceMs || endError > toleranceMs)
        offTime.push(`${label} (script ${(s.startMs / 1000).toFixed(2)}s)`);
    }
  }
  script.forEach((s, i) => taken.has(i) || missing.push(`"${s.word}"@${(s.startMs / 1000).toFixed(2)}s`));
  const problems: string[] = [];
  const list = (what: string, items: string[]) =>
    items.length && problems.push(`${items.length} ${what}: ${items.slice(0, 20).join(', ')}`);
  list('missing', missing);
  list('duplicated', duplicated);
  list('unexpected', unexpected);
  list('out of order', outOfOrder);
  list(`off by more than ${toleranceMs} ms`, offTime);
  return {
    expected: script.length,
    matched: taken.size,
    missing,
    duplicated,
    unexpected,
    outOfOrder,
    maxStartErrorMs,
    offTime,
    problems,
  };
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/** p50, p95 and max of `values` (nearest rank); zeros when there are none. */
export function percentiles(values: readonly number[]): Percentiles {
  if (!values.length) return { count: 0, p50: 0, p95: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { count: sorted.length, p50: rank(0.5), p95: rank(0.95), max: sorted[sorted.length - 1] };
}

/** What one fault cost the client: time to the first final after it, and how late that final was. */
export interface FailoverGap {
  /** Ms from the fault to the first final received after it. */
  gapMs: number;
  /** That final's latency beyond the normal final latency (p50 of the finals before any fault). */
  excessMs: number;
  /** The first final after the fault, its words. */
  firstFinal: string;
}

/**
 * The failover gap of a fault at `faultAt` (epoch ms, the client's clock): from the fault to the
 * first final after it with words, and that final's latency beyond `normalFinalMs`.
 */
export function failoverGap(
  results: ReadonlyArray<LiveClientResult & { t: number }>,
  faultAt: number,
  normalFinalMs: number,
): FailoverGap | undefined {
  const first = results.find((r) => r.isFinal && r.words.length > 0 && r.t > faultAt);
  if (!first) return undefined;
  return {
    gapMs: first.t - faultAt,
    excessMs: (first.latencyMs ?? 0) - normalFinalMs,
    firstFinal: first.transcript,
  };
}
