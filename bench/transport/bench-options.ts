/** What one benchmark invocation runs; each value comes from `--name=value`, then the env, then a default. */
export interface BenchOptions {
  /** Measured repetitions per path and payload size (raw and ours alternate). */
  reps: number;
  /** ServerRedisStreams concurrency, and the raw loop's XREADGROUP COUNT. */
  concurrency: number;
  /** Entries per producer pipeline (one round trip each), for both paths. */
  batch: number;
  /** XREADGROUP BLOCK in ms, for both paths. */
  blockMs: number;
  /** Entries per run with 640-byte audio. */
  entriesSmall: number;
  /** Entries per run with 64 KB audio. */
  entriesLarge: number;
}

interface OptionSpec {
  key: keyof BenchOptions;
  flag: string;
  env: string;
  defaultValue: number;
}

const SPECS: OptionSpec[] = [
  { key: 'reps', flag: 'reps', env: 'BENCH_REPS', defaultValue: 5 },
  { key: 'concurrency', flag: 'concurrency', env: 'BENCH_CONCURRENCY', defaultValue: 64 },
  { key: 'batch', flag: 'batch', env: 'BENCH_BATCH', defaultValue: 64 },
  { key: 'blockMs', flag: 'block-ms', env: 'BENCH_BLOCK_MS', defaultValue: 1000 },
  { key: 'entriesSmall', flag: 'n-640', env: 'BENCH_N_640', defaultValue: 20_000 },
  { key: 'entriesLarge', flag: 'n-64k', env: 'BENCH_N_64K', defaultValue: 3_000 },
];

const OPTIONS_HELP = SPECS.map(
  ({ flag, env, defaultValue }) => `--${flag}=N (env ${env}, default ${defaultValue})`,
).join('\n');

export function readBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    if (!match || !SPECS.some((spec) => spec.flag === match[1])) {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; accepted:\n${OPTIONS_HELP}`);
    }
    flags.set(match[1], match[2]);
  }
  const options = {} as BenchOptions;
  for (const { key, flag, env: envName, defaultValue } of SPECS) {
    const raw = flags.get(flag) ?? env[envName];
    const value = raw === undefined || raw === '' ? defaultValue : Number(raw);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`--${flag} (${envName}) must be a positive integer, got ${JSON.stringify(raw)}`);
    }
    options[key] = value;
  }
  return options;
}
