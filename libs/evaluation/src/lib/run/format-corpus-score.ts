import type { CorpusScore } from './evaluate-corpus';

const percent = (rate: number) => (Number.isFinite(rate) ? `${(rate * 100).toFixed(2)}%` : 'n/a');
const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** The score as a plain-text table: one row per file, then the pooled row. */
export function formatCorpusScore(score: CorpusScore): string {
  const header = ['file', 'ref words', 'sub', 'del', 'ins', 'WER', 'audio s', 'RTF'];
  const rows = score.files.map((f) =>
    [
      f.name,
      f.referenceWords,
      f.substitutions,
      f.deletions,
      f.insertions,
      percent(f.wer),
      fixed(f.audioSeconds, 2),
      fixed(f.realTimeFactor, 3),
    ].map(String),
  );
  const p = score.pooled;
  const pooled = [
    'pooled',
    p.referenceWords,
    p.substitutions,
    p.deletions,
    p.insertions,
    percent(p.wer),
    fixed(p.audioSeconds, 2),
    fixed(p.realTimeFactor, 3),
  ].map(String);
  const widths = header.map((h, i) => Math.max(h.length, ...[...rows, pooled].map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const failures = score.files
    .filter((f) => f.error !== undefined)
    .map((f) => `failed: ${f.name}: ${f.error} (scored as all deletions)`);
  return (
    [
      `WER through ${score.transcriber}, Whisper-normalised English`,
      line(header),
      ...rows.map(line),
      line(pooled),
      ...failures,
    ].join('\n') + '\n'
  );
}
