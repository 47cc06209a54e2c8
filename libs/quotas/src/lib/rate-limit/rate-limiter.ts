import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { quotaKeys } from '../quota-keys';
import { QuotasEnvironment } from '../quotas-environment';
import { takeTokenScript } from '../scripts/take-token.script';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { QUOTAS_ENVIRONMENT, QUOTAS_REDIS } from '../tokens';

/** One request's verdict from its tenant's token bucket, with what the RateLimit-* headers say. */
export interface RateDecision {
  allowed: boolean;
  /** The bucket's size (RateLimit-Limit). */
  limit: number;
  /** Requests left right now (RateLimit-Remaining). */
  remaining: number;
  /** Seconds until the bucket is full again (RateLimit-Reset). */
  resetSeconds: number;
  /** When refused: seconds until one request is allowed (Retry-After), at least 1. */
  retryAfterSeconds: number;
  /** The bucket's refill rate, requests per second. */
  ratePerSecond: number;
}

/** The request rate per tenant: a token bucket in Redis, shared by every router. */
@Injectable()
export class RateLimiter {
  constructor(
    @Inject(QUOTAS_REDIS) private readonly redis: Redis,
    @Inject(QUOTAS_ENVIRONMENT) private readonly env: QuotasEnvironment,
    private readonly tenants: TenantSettingsService,
  ) {}

  /** Takes one request from the tenant's bucket; undefined when the tenant's rate is unlimited. */
  async take(tenant: string, nowMs?: number): Promise<RateDecision | undefined> {
    if (!this.env.QUOTAS_ENABLED) return undefined;
    const { requestsPerSecond, burst } = await this.tenants.settingsFor(tenant);
    if (requestsPerSecond <= 0) return undefined;
    const decision = await takeTokenScript.run(
      this.redis,
      { bucket: quotaKeys.rateBucket(tenant) },
      { ratePerSecond: requestsPerSecond, burst, nowMs: nowMs ?? '' },
    );
    return {
      allowed: decision.allowed,
      limit: burst,
      remaining: decision.remaining,
      resetSeconds: Math.ceil(decision.fullInMs / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
      ratePerSecond: requestsPerSecond,
    };
  }
}
