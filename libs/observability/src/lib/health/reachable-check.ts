import { ReadinessCheck } from './readiness-check';

/**
 * Readiness: an HTTP(S) endpoint answers at all (any status: a 401 or 404 still proves DNS,
 * TCP, TLS and the service are up). Sends no credentials, so it costs no quota and logs no key.
 * For cloud providers: a worker whose provider cannot be reached shows as not ready, which
 * `kubectl get pods` and the dashboards make visible before the failover counters climb.
 */
export function reachableCheck(name: string, url: string, timeoutMs = 2000): ReadinessCheck {
  return {
    name,
    check: async () => {
      try {
        const response = await fetch(url, {
          method: 'HEAD',
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        await response.body?.cancel();
      } catch (error) {
        throw new Error(`${new URL(url).origin} unreachable: ${failureReason(error)}`);
      }
    },
  };
}

/** fetch rejects with "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is its cause. */
function failureReason(error: unknown): string {
  const failure = error as { message?: string; cause?: { message?: string; code?: string } } | undefined;
  return failure?.cause?.message || failure?.cause?.code || failure?.message || String(error);
}
