import type { Parameters } from 'fast-check';

/** Per property, unless FUZZ_TIME_LIMIT_MS says otherwise: keeps every fuzz suite in `npm test` to seconds. */
export const DEFAULT_TIME_LIMIT_MS = 2_000;

function envNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got '${raw}'`);
  return value;
}

/**
 * fast-check settings for a fuzz property, bounded in time so `npm test` stays quick on a loaded
 * two-core machine: `defaultRuns` runs, stopped early (and still passing) after a few seconds.
 *
 * - `FUZZ_RUNS=n` runs every property n times, with no time limit unless one is set;
 * - `FUZZ_TIME_LIMIT_MS=ms` caps each property's time (0: no cap);
 * - `FUZZ_SEED=s` replays a run (fast-check prints the seed and path of a failure).
 *
 * `timeoutMs` bounds one run of an async property: a run that does not settle in time fails,
 * which is how a hang shows. `timeLimitMs` replaces the default cap for a property whose runs are
 * slow (real requests), so it still makes a few dozen.
 */
export function fuzzParameters<T>(
  defaultRuns: number,
  timeoutMs?: number,
  timeLimitMs = DEFAULT_TIME_LIMIT_MS,
): Parameters<T> {
  const runs = envNumber('FUZZ_RUNS');
  const timeLimit = envNumber('FUZZ_TIME_LIMIT_MS') ?? (runs === undefined ? timeLimitMs : 0);
  const seed = envNumber('FUZZ_SEED');
  return {
    numRuns: runs ?? defaultRuns,
    ...(timeLimit > 0 ? { interruptAfterTimeLimit: timeLimit, markInterruptAsFailure: false } : {}),
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    ...(seed === undefined ? {} : { seed }),
  };
}

/**
 * Runs `fn` and returns what it threw (undefined when it returned), so a property can say which
 * error types are allowed: anything else fails the property with the unexpected error.
 */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** `error` when it is one of `allowed` (or there is none); otherwise it is rethrown, failing the property. */
export function expectOnly(
  error: unknown,
  ...allowed: Array<abstract new (...args: never[]) => Error>
): void {
  if (error === undefined) return;
  if (allowed.some((type) => error instanceof type)) return;
  throw error;
}
