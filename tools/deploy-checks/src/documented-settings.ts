import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WORKSPACE_ROOT } from './grafana-dashboards';

/** Folders whose code (specs included: they read the suites' own knobs) may read environment variables. */
const CODE_ROOTS = ['apps', 'libs', 'tools', 'scripts', 'bin', 'bench'];
const CODE_FILE = /\.(?:ts|js|mjs|cjs)$/;
/** Settings classes, interfaces and mixins: every upper-case field is a variable the app reads. */
const SETTINGS_FILE = /(?:environment|settings)\.ts$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'tmp', '.git', 'model', 'fixtures']);

/**
 * Variables the code reads that belong to the platform, not to streamscribe: the OS, Jest and XDG
 * define them and their own documentation describes them.
 */
export const PLATFORM_VARIABLES = new Set([
  'PATH',
  'HOME',
  'USER',
  'XDG_CACHE_HOME',
  'LD_LIBRARY_PATH',
  'JEST_WORKER_ID',
  'NODE_ENV',
]);

const NAME = '[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}[A-Z0-9]*';
/** `process.env.X`, `process.env['X']`, and `env.X` / `env['X']` of a settings object or an alias. */
const ENV_READ = new RegExp(`\\benv\\??(?:\\.(${NAME})\\b|\\[['"](${NAME})['"]\\])`, 'g');
/** A helper that reads a variable by name: `envNumber('FUZZ_RUNS')`, `readEnv('X')`. */
const ENV_HELPER_READ = new RegExp(`\\b\\w*[eE]nv\\w*\\(\\s*['"](${NAME})['"]`, 'g');
/** An option table naming its variable: `{ key: 'reps', flag: 'reps', env: 'BENCH_REPS', … }`. */
const ENV_OPTION = new RegExp(`\\benv:\\s*['"](${NAME})['"]`, 'g');
/**
 * bench/inference.bench.ts names its variables from its options: `option('batch-sizes', …)` reads
 * `--batch-sizes` or `BENCH_BATCH_SIZES` (`process.env[`BENCH_${name.toUpperCase()…}`]`).
 */
const COMPUTED_BENCH_READ = 'process.env[`BENCH_${name.toUpperCase()';
const BENCH_OPTION = /\b(?:option|listOption)(?:<[^>]*>)?\(\s*'([a-z][a-z0-9-]*)'/g;
/** A field of a settings class or interface: `  X = …`, `  X: …`, `  readonly X?: …`. */
const SETTINGS_FIELD = new RegExp(`^\\s+(?:readonly\\s+)?(${NAME})[!?]?\\s*[:=]`, 'gm');

export function codeFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(join(dir, entry.name));
      } else if (CODE_FILE.test(entry.name)) {
        files.push(join(dir, entry.name));
      }
    }
  };
  for (const root of CODE_ROOTS) walk(join(WORKSPACE_ROOT, root));
  return files.sort();
}

/** Every environment variable the code reads, with the first file (repo-relative) that reads it. */
export function variablesReadByCode(): Map<string, string> {
  const found = new Map<string, string>();
  const note = (name: string, file: string) => {
    if (!PLATFORM_VARIABLES.has(name) && !found.has(name)) found.set(name, relative(WORKSPACE_ROOT, file));
  };
  for (const file of codeFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(ENV_READ)) note(match[1] ?? match[2], file);
    for (const match of text.matchAll(ENV_HELPER_READ)) note(match[1], file);
    for (const match of text.matchAll(ENV_OPTION)) note(match[1], file);
    if (text.includes(COMPUTED_BENCH_READ)) {
      for (const match of text.matchAll(BENCH_OPTION))
        note(`BENCH_${match[1].toUpperCase().replace(/-/g, '_')}`, file);
    }
    if (SETTINGS_FILE.test(file)) {
      for (const match of text.matchAll(SETTINGS_FIELD)) note(match[1], file);
    }
  }
  return found;
}

/** README.md, docs/** and BENCHMARKS.md (the benchmarks' reference, which docs/benchmarks.md points to). */
export function markdownFiles(): string[] {
  const files = [join(WORKSPACE_ROOT, 'README.md'), join(WORKSPACE_ROOT, 'BENCHMARKS.md')];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.md')) files.push(join(dir, entry.name));
    }
  };
  walk(join(WORKSPACE_ROOT, 'docs'));
  return files.sort();
}

/** The header of a settings table's name column. */
const NAME_COLUMN = /^(?:variable|name|setting|env|environment variable)$/i;
const BACKTICKED = new RegExp(`\`(${NAME})\``, 'g');

const cellsOf = (row: string) =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());

/**
 * The variables documented in settings tables (a column headed `variable`, `name`, `setting` or
 * `env`) of README.md, docs/** and BENCHMARKS.md: name → the first file (repo-relative) whose table
 * has a row for it.
 */
export function documentedVariables(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of markdownFiles()) {
    let column = -1;
    let fence = false;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('```')) fence = !fence;
      if (fence || !line.trimStart().startsWith('|')) {
        column = -1;
        continue;
      }
      const cells = cellsOf(line);
      if (column < 0) {
        // A table's first line is its header: a settings table when one column names variables.
        column = cells.findIndex((cell) => NAME_COLUMN.test(cell));
        if (column < 0) column = Number.POSITIVE_INFINITY;
        continue;
      }
      for (const match of (cells[column] ?? '').matchAll(BACKTICKED)) {
        if (!found.has(match[1])) found.set(match[1], relative(WORKSPACE_ROOT, file));
      }
    }
  }
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const heading = fence ? null : /^#{1,6} (.*)$/.exec(line);
    if (heading) anchors.add(headingAnchor(heading[1]));
  }
  return anchors;
}

/** Relative links `[text](target)` outside code blocks and code spans: target without a scheme. */
export function relativeLinks(markdown: string): string[] {
  const links: string[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    if (fence) continue;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(match[1])) links.push(match[1]);
    }
  }
  return links;
}
