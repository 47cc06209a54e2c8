import type { ProviderName } from './providers';

/**
 * Redis key names. The provider streams, groups and result/failure streams keep the classic names
 * so its producer and monitoring commands work unchanged; keys this system adds live under
 * `streamscribe:`.
 */
export const RESULTS_ALL_STREAM = 'transcription:results:all';
export const FAILURES_STREAM = 'transcription:failures';
export const DEAD_LETTER_STREAM = 'transcription:dead-letters';

const PROVIDER_STREAM_PREFIX = 'audio:stream:';

export function providerStream(provider: ProviderName): string {
  return `${PROVIDER_STREAM_PREFIX}${provider}`;
}

export function providerGroup(provider: ProviderName): string {
  return `${provider}_workers`;
}

export function sessionResultsStream(sessionId: string): string {
  return `transcription:results:${sessionId}`;
}

/** Hash: session metadata (next sequence number, sticky provider, expected chunk count). */
export function sessionMetaKey(sessionId: string): string {
  return `streamscribe:session:${sessionId}:meta`;
}

/** Hash: chunk id → sequence number, for every chunk accepted into the session. */
export function sessionChunksKey(sessionId: string): string {
  return `streamscribe:session:${sessionId}:chunks`;
}

/** Hash: chunk id → result entry id; the guard that makes result writes idempotent. */
export function sessionResultIndexKey(sessionId: string): string {
  return `streamscribe:session:${sessionId}:results`;
}

/** Hash: what a session's results cost, per provider (micro-USD, audio ms, chunks) and in total. */
export function sessionCostKey(sessionId: string): string {
  return `streamscribe:session:${sessionId}:cost`;
}

/** Hash: what every result cost, per provider, across all sessions (never expires). */
export const PROVIDER_COST_TOTALS_KEY = 'streamscribe:cost:providers';

/** Sorted set: consumer name → last heartbeat (ms); who is alive in a provider's fleet. */
export function providerHeartbeatKey(provider: ProviderName): string {
  return `streamscribe:heartbeats:${provider}`;
}
