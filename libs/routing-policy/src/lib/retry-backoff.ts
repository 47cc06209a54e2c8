export interface BackoffOptions {
  /** Delay before the first retry, ms. @defaultValue 200 */
  baseMs: number;
  /** No delay exceeds this, ms (a longer Retry-After means: fail over instead). @defaultValue 5000 */
  maxMs: number;
}

/**
 * Exponential backoff with full jitter (AWS' "full jitter": uniform in [0, base·2^n]) so a fleet
 * retrying after one provider outage does not hammer it in step. A provider's Retry-After is a
 * floor. Returns undefined when the wait would exceed maxMs: better to fail over than to sit.
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(random() * ceiling);
  const delay = Math.max(jittered, retryAfterMs ?? 0);
  return delay > options.maxMs ? undefined : delay;
}
