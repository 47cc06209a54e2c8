/**
 * Sleeps `ms`, or less when `signal` aborts (a loop told to stop wakes at once). The abort
 * listener is removed when the sleep ends: loops sleep on one signal thousands of times.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    signal?.addEventListener('abort', wake);
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Waits for `work` to settle, up to timeoutMs; false when it had not settled by then. */
export async function settleWithin(work: Promise<unknown>[], timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const finished = await Promise.race([Promise.allSettled(work).then(() => true as const), timeout]);
  clearTimeout(timer);
  return finished;
}
