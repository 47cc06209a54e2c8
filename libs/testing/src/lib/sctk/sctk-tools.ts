import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AsrCase } from './asr-hypotheses';

/** Debian's `sctk` package keeps its tools here, off PATH (`/usr/bin/sctk <tool>` wraps them). */
const DEBIAN_SCTK_BIN = '/usr/lib/sctk/bin';

/** Path of an SCTK tool; throws with the install command when the package is missing. */
export function sctkTool(name: 'rover' | 'sclite'): string {
  const candidates = [
    join(DEBIAN_SCTK_BIN, name),
    ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, name)),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(
      `NIST SCTK's ${name} is not installed: run \`apt-get install -y sctk\` (CI's .ci/run does)`,
    );
  return found;
}

/** `rover -m meth1 -a alpha -c nullConfidence`: see `combineHypotheses`' sctk mode. */
export interface RoverSettings {
  alpha: number;
  nullConfidence: number;
}

/** Rover drops the last conversation of a file when it is one word long; a trailing one it may drop. */
const SENTINEL = { id: 'zzzz-sentinel', words: ['end', 'of', 'batch'] };
const WORD_SECONDS = 0.2;

/**
 * Runs NIST's rover on many cases at once: one conversation per case in each hypothesis' CTM
 * file, one rover call per hypothesis count. Rover cuts a conversation where every hypothesis is
 * silent for a second, and where the first one ends while another still speaks it cuts too: so
 * each hypothesis' words are spread back to back over the same span and end together. An empty answer, which rover cannot take, is a lone `@`
 * (rover's own word for nothing) at the null confidence. Returns each case's words (lower case).
 */
export function runSctkRover(cases: readonly AsrCase[], settings: RoverSettings): Map<string, string[]> {
  const rover = sctkTool('rover');
  const output = new Map<string, string[]>(cases.map((c) => [c.id, []]));
  const dir = mkdtempSync(join(tmpdir(), 'sctk-rover-'));
  try {
    const byCount = new Map<number, AsrCase[]>();
    for (const c of cases) byCount.set(c.hypotheses.length, [...(byCount.get(c.hypotheses.length) ?? []), c]);
    for (const [count, group] of byCount) {
      const files = Array.from({ length: count }, (_, h) => join(dir, `n${count}-h${h}.ctm`));
      files.forEach((file, h) => {
        const lines = group.flatMap((c) => {
          const words =
            c.hypotheses[h].words.length > 0
              ? c.hypotheses[h].words
              : [{ word: '@', confidence: settings.nullConfidence }];
          const span = Math.max(...c.hypotheses.map((hyp) => hyp.words.length), 1) * WORD_SECONDS;
          return words.map((w, k) =>
            ctmLine(c.id, (k * span) / words.length, span / words.length, w.word, w.confidence),
          );
        });
        lines.push(
          ...SENTINEL.words.map((word, k) => ctmLine(SENTINEL.id, k * WORD_SECONDS, WORD_SECONDS, word, 1)),
        );
        writeFileSync(file, lines.join('\n') + '\n');
      });
      const out = join(dir, `n${count}-rover.ctm`);
      const args = [
        ...files.flatMap((f) => ['-h', f, 'ctm']),
        '-o',
        out,
        '-m',
        'meth1',
        '-a',
        String(settings.alpha),
        '-c',
        String(settings.nullConfidence),
        '-f',
        '0',
      ];
      execFileSync(rover, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      for (const line of readFileSync(out, 'utf8').split('\n')) {
        const fields = line.trim().split(/\s+/);
        if (fields.length >= 5 && output.has(fields[0])) output.get(fields[0])?.push(fields[4]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return output;
}

function ctmLine(
  conversation: string,
  start: number,
  duration: number,
  word: string,
  confidence: number,
): string {
  return `${conversation} 1 ${start.toFixed(4)} ${duration.toFixed(4)} ${word} ${confidence.toFixed(3)}`;
}

/** Word errors as NIST's sclite counts them (substitutions + deletions + insertions). */
export interface ScliteScore {
  errors: number;
  referenceWords: number;
}

/**
 * Runs `sclite` on trn files made from `references` and `hypotheses` (one utterance per id; a
 * missing hypothesis is empty) and returns its report in the `-o` format asked for.
 */
function runSclite(
  references: ReadonlyMap<string, readonly string[]>,
  hypotheses: ReadonlyMap<string, readonly string[]>,
  report: 'dtl' | 'pra',
): string {
  const sclite = sctkTool('sclite');
  const dir = mkdtempSync(join(tmpdir(), 'sctk-sclite-'));
  try {
    const trn = (words: readonly string[] | undefined, id: string) =>
      `${(words ?? []).join(' ')} (spk_${id})`;
    writeFileSync(
      join(dir, 'ref.trn'),
      [...references].map(([id, words]) => trn(words, id)).join('\n') + '\n',
    );
    writeFileSync(
      join(dir, 'hyp.trn'),
      [...references.keys()].map((id) => trn(hypotheses.get(id), id)).join('\n') + '\n',
    );
    return execFileSync(
      sclite,
      [
        '-r',
        join(dir, 'ref.trn'),
        'trn',
        '-h',
        join(dir, 'hyp.trn'),
        'trn',
        '-i',
        'spu_id',
        '-o',
        report,
        'stdout',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Scores hypotheses against references with `sclite` (trn format, one utterance per case). */
export function scoreWithSclite(
  references: ReadonlyMap<string, readonly string[]>,
  hypotheses: ReadonlyMap<string, readonly string[]>,
): ScliteScore {
  const report = runSclite(references, hypotheses, 'dtl');
  const count = (label: string): number => {
    const match = new RegExp(`${label}\\s*=.*\\(\\s*(\\d+)\\)`).exec(report);
    if (!match)
      throw new Error(`sclite's report has no "${label}" line; its output began: ${report.slice(0, 300)}`);
    return Number(match[1]);
  };
  return { errors: count('Percent Total Error'), referenceWords: count('Ref\\. words') };
}

/** One utterance's counts as sclite's alignment report (`-o pra`) gives them. */
export interface ScliteUtteranceCounts {
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

/** sclite's correct/substitution/deletion/insertion counts for every utterance, by id. */
export function scliteUtteranceCounts(
  references: ReadonlyMap<string, readonly string[]>,
  hypotheses: ReadonlyMap<string, readonly string[]>,
): Map<string, ScliteUtteranceCounts> {
  const report = runSclite(references, hypotheses, 'pra');
  const counts = new Map<string, ScliteUtteranceCounts>();
  for (const [, id, c, s, d, i] of report.matchAll(
    /id: \(spk_(\S+?)\)\nScores: \(#C #S #D #I\) (\d+) (\d+) (\d+) (\d+)/g,
  )) {
    counts.set(id, {
      hits: Number(c),
      substitutions: Number(s),
      deletions: Number(d),
      insertions: Number(i),
    });
  }
  return counts;
}
