import type { ProviderName } from './providers';

/**
 * Hash: one provider's health as its workers record it — outcome counts and latency histograms in
 * a ring of time slots, totals, and its circuit breaker's state. Shared by every router and worker.
 */
export function providerHealthKey(provider: ProviderName): string {
  return `streamscribe:provider:${provider}:health`;
}

/**
 * String, set NX with an expiry by the router settling a consensus request: two routers (or a
 * router and a sweep) never settle one chunk twice; a settler that dies lets it expire and retry.
 * The record id is unique across partitions only with its stream, so the stream is part of it.
 */
export function consensusClaimKey(recordId: string): string {
  return `streamscribe:consensus:claim:${recordId}`;
}
