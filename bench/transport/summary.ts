import type { RunResult } from './bench-run';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** One path at one payload size over all repetitions: medians across runs. */
export interface PathSummary {
  chunksPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export function summarize(runs: readonly RunResult[]): PathSummary {
  const rates = runs.map((run) => run.chunksPerSecond);
  return {
    chunksPerSecond: median(rates),
    p50Ms: median(runs.map((run) => percentile(run.latenciesMs, 50))),
    p99Ms: median(runs.map((run) => percentile(run.latenciesMs, 99))),
  };
}

/** A plain text table: the first row is the header, columns padded to their widest cell. */
export function formatTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: readonly string[]) =>
    row.map((cell, column) => cell.padStart(widths[column])).join('  ');
  return [
    line(rows[0]),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
