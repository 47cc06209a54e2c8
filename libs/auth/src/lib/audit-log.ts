import type Redis from 'ioredis';
import type { RequestAuth } from '@streamscribe/contracts';
import { AUTH_KEYS } from './auth-redis-keys';

export type AuditDetail = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * Every admin action, in the `streamscribe:audit` stream (capped, MAXLEN ~): when, who (key id and
 * tenant, never a secret), what, and a small JSON detail. Callers pass ids and names only; a
 * secret must never be part of `detail`.
 */
export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly maxEntries: number,
  ) {}

  async record(actor: RequestAuth | undefined, action: string, detail: AuditDetail = {}): Promise<void> {
    await this.redis.xadd(
      AUTH_KEYS.audit,
      'MAXLEN',
      '~',
      this.maxEntries,
      '*',
      'at',
      new Date().toISOString(),
      'actor',
      actor?.keyId ?? 'anonymous',
      'actorTenant',
      actor?.tenant ?? '',
      'action',
      action,
      'detail',
      JSON.stringify(detail),
    );
  }
}
