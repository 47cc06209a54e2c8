/**
 * How long a producer waits before re-posting after `status` (0: no connection), or undefined when
 * the refusal is final. 5xx and admission control's 429 (a backlog over ADMISSION_MAX_WAIT_MS) are
 * retried with the same chunk ids, after the Retry-After the router sent when it sent one, as a
 * well-behaved client does.
 */
export function retryPauseMs(status: number, detail: string, retryAfter: string | null): number | undefined {
  const backlog = status === 429 && detail.includes('provider_backlog');
  if (status !== 0 && status < 500 && !backlog) return undefined;
  const seconds = Number(retryAfter);
  return retryAfter && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 5) * 1000 : 100;
}
