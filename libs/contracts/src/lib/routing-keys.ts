import type { ProviderName } from './providers';

/**
 * Hash: one provider's health as its workers record it — outcome counts and latency histograms in
 * a ring of time slots, totals, and its circuit breaker's state. Shared by every router and worker.
 */
export function providerHealthKey(provider: ProviderName): string {
  return `streamscribe:provider:${provider}:health`;
}

/** Hash: chunk id → the consensus detail (hypotheses, agreement) of a session's consensus chunks. */
export function sessionConsensusKey(sessionId: string): string {
  return `streamscribe:session:${sessionId}:consensus`;
}

/**
 * The session a consensus chunk's hypotheses are written to: one results stream per chunk, read
 * by key, so gathering the hypotheses never needs KEYS or SCAN.
 */
export function consensusCorrelationSession(sessionId: string, chunkId: string): string {
  return `consensus~${sessionId}~${chunkId}`;
}

/**
 * Stream: consensus chunks registered and not yet settled (one small entry each, no audio), deleted
 * once their combined result is written; what is left after a router crash is there to see.
 */
export const CONSENSUS_REQUESTS_STREAM = 'streamscribe:consensus:requests';

/**
 * String, set NX with an expiry by the router settling a consensus request: two routers (or a
 * router and a sweep) never settle one chunk twice; a settler that dies lets it expire and retry.
 */
export function consensusClaimKey(recordId: string): string {
  return `streamscribe:consensus:claim:${recordId}`;
}
