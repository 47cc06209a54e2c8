/**
 * How long a session's trail (where its entries in shared streams are) outlives its other keys:
 * the retention sweeper reads it to delete those entries, possibly after the keys expired.
 */
export function trailTtlSeconds(sessionTtlSeconds: number): number {
  return sessionTtlSeconds * 2;
}

/** How long a tenant's monthly cost hash is kept: the month, and the next two for reports. */
export const TENANT_COST_TTL_SECONDS = 100 * 86_400;

/** The month a cost is booked to, `YYYY-MM` in UTC (the tenant cost hash's name carries it). */
export function costMonth(nowMs: number = Date.now()): string {
  return new Date(nowMs).toISOString().slice(0, 7);
}
