import type Redis from 'ioredis';
import { KeyScheme, SessionRef } from '@streamscribe/contracts';
import { SessionEraser } from './session-eraser';

/**
 * How long a tenant's sessions are kept after their last activity, in seconds. The narrow view of
 * tenant settings the retention sweep needs; the default takes one figure for every tenant
 * (SESSION_RETENTION_SECONDS), a tenant store may answer per tenant.
 */
export interface RetentionPolicy {
  retentionSecondsFor(tenant: string): number | Promise<number>;
}

export function fixedRetention(seconds: number): RetentionPolicy {
  return { retentionSecondsFor: () => seconds };
}

/** Oldest sessions looked at per partition and sweep. */
const SWEEP_BATCH = 500;

/**
 * Erases sessions whose retention has run out: each partition's session index (a sorted set by
 * last activity) is read oldest first, so no KEYS or SCAN. A session is erased once
 * `min(retention of its tenant, the session TTL)` has passed since its last activity: its keys
 * expire at the TTL anyway, and its trail (which lists its entries in shared streams) is kept
 * twice the TTL so the sweep still finds those entries after its keys expired.
 */
export class SessionRetentionSweep {
  private readonly eraser: SessionEraser;

  constructor(
    private readonly client: Redis,
    private readonly keys: KeyScheme,
    private readonly policy: RetentionPolicy,
    private readonly sessionTtlSeconds: number,
  ) {
    this.eraser = new SessionEraser(client, keys);
  }

  /** Erases what is due at `nowMs`; returns the sessions erased. */
  async sweep(nowMs: number = Date.now()): Promise<SessionRef[]> {
    const erased: SessionRef[] = [];
    const retention = new Map<string, number>();
    for (const partition of this.keys.allPartitions()) {
      const index = this.keys.sessionIndexKey(partition);
      const oldest = await this.client.zrange(index, 0, SWEEP_BATCH - 1, 'WITHSCORES');
      for (let i = 0; i + 1 < oldest.length; i += 2) {
        const session = this.keys.sessionFromIndexMember(oldest[i], partition);
        if (!session) {
          await this.client.zrem(index, oldest[i]);
          continue;
        }
        if (!retention.has(session.tenant))
          retention.set(session.tenant, await this.policy.retentionSecondsFor(session.tenant));
        const keepSeconds = Math.min(retention.get(session.tenant) as number, this.sessionTtlSeconds);
        if (Number(oldest[i + 1]) + keepSeconds * 1000 > nowMs) continue;
        await this.eraser.erase(session);
        erased.push(session);
      }
    }
    return erased;
  }
}
