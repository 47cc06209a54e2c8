/**
 * Where webhooks live in Redis (all under `streamscribe:`, the router's ACL prefix). The two
 * schedules are single sorted sets shared by every router: one key each, so Cluster-safe.
 */
export const webhookKeys = {
  /** Hash: a tenant's webhooks, id → JSON registration (with its secret). */
  registrations: (tenant: string) => `streamscribe:tenant:${tenant}:webhooks`,
  /** Sorted set: a webhook's deliveries, id scored by creation time (ms). */
  deliveriesOf: (tenant: string, webhookId: string) =>
    `streamscribe:tenant:${tenant}:webhook:${webhookId}:deliveries`,
  /** Hash: one delivery (payload, status, attempts). */
  delivery: (deliveryId: string) => `streamscribe:webhooks:delivery:${deliveryId}`,
  /** Sorted set: `<tenant>:<session id>` of sessions to check for completion, scored by next check (ms). */
  watched: () => 'streamscribe:webhooks:watched',
  /** Sorted set: pending delivery ids, scored by when the next attempt is due (ms). */
  due: () => 'streamscribe:webhooks:due',
};
