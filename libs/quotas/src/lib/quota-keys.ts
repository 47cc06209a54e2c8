/**
 * The quota keys, one tenant's each. Every script touches a single key, so they work unchanged on
 * Redis Cluster (no hash tag needed). Tenant ids are checked (TENANT_ID_PATTERN) before they get
 * here: no ':' or braces, so no tenant can name another's key.
 */
export const quotaKeys = {
  /** Hash: the tenant's setting overrides (field = setting name). */
  settings: (tenant: string) => `streamscribe:tenant:${tenant}:settings`,
  /** Hash: the request-rate token bucket (`tokens`, `ms` of the last refill). */
  rateBucket: (tenant: string) => `streamscribe:tenant:${tenant}:rate`,
  /** Sorted set: open live connections, lease id → expiry (ms, Redis clock). */
  liveLeases: (tenant: string) => `streamscribe:tenant:${tenant}:live`,
  /** String: audio milliseconds charged on one UTC day (`YYYY-MM-DD`), expiring two days later. */
  audioDay: (tenant: string, day: string) => `streamscribe:tenant:${tenant}:audio-ms:${day}`,
};

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM` of a time, in UTC: the month part of KeyScheme.tenantCostKey. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}
