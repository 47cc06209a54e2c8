import type { ProviderName } from './providers';

/**
 * Provider-global Redis names (one fleet each, whatever the tenant or partition). Every stream and
 * key that belongs to a session or a partition is named by KeyScheme (keys/key-scheme.ts).
 */
export function providerGroup(provider: ProviderName): string {
  return `${provider}_workers`;
}

/** Sorted set: consumer name → last heartbeat (ms); who is alive in a provider's fleet. */
export function providerHeartbeatKey(provider: ProviderName): string {
  return `streamscribe:heartbeats:${provider}`;
}
