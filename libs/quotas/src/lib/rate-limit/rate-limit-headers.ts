import type { RateDecision } from './rate-limiter';

/**
 * The rate-limit headers of the IETF draft (draft-ietf-httpapi-ratelimit-headers, the
 * `RateLimit-Limit` / `-Remaining` / `-Reset` form), on every /v1 answer, plus `Retry-After`
 * on a 429. `RateLimit-Policy` says the bucket: `<burst>;w=<seconds to refill it>`.
 */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const window = Math.max(1, Math.ceil(decision.limit / decision.ratePerSecond));
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
    'RateLimit-Policy': `${decision.limit};w=${window}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(decision.retryAfterSeconds);
  return headers;
}
