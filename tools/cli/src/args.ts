import { UsageError } from './exit-codes';

export interface ParsedArgs {
  /** Positional words: the command, its subcommand and arguments. */
  words: string[];
  flags: Map<string, string>;
}

/** Flags that take no value. */
const SWITCHES = new Set(['json', 'help', 'all', 'no-progress', 'progress', 'fast', 'interim']);
/** Every flag the CLI knows (any command); others are a usage error. */
const KNOWN = new Set([
  ...SWITCHES,
  'url',
  'key',
  'out',
  'format',
  'concurrency',
  'provider',
  'language',
  'tenant',
  'scopes',
  'name',
  'grace',
  'count',
  'after',
  'sample-rate',
  'timeout',
]);

/** `words… --flag value --switch`; `--flag=value` works too; `-` alone is a word (stdin). */
export function parseArgs(argv: string[]): ParsedArgs {
  const words: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') {
      flags.set('help', '');
      continue;
    }
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (!KNOWN.has(name)) throw new UsageError(`unknown option --${name}`);
    if (eq > 0) flags.set(name, arg.slice(eq + 1));
    else if (SWITCHES.has(name)) flags.set(name, '');
    else {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { words, flags };
}

export function positiveIntFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const value = flags.get(name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a whole number ≥ 1`);
  return Number(value);
}

export function oneOf<T extends string>(
  flags: Map<string, string>,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = flags.get(name) ?? fallback;
  if (!allowed.includes(value as T)) throw new UsageError(`--${name} must be one of: ${allowed.join(', ')}`);
  return value as T;
}
