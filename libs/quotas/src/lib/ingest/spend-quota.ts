import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { KeyScheme } from '@streamscribe/contracts';
import { utcMonth } from '../quota-keys';
import { QuotaRefusal } from '../quota-refusal';
import { whileQuotaStoreAnswers } from '../quota-store';
import { QuotasEnvironment } from '../quotas-environment';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { QUOTAS_ENVIRONMENT, QUOTAS_KEY_SCHEME, QUOTAS_REDIS } from '../tokens';

/** The field of a tenant cost hash that holds its total (written by the worker's write-results script). */
export const TENANT_COST_TOTAL_FIELD = 'total_micros';

/**
 * Spend per tenant per UTC month, from the cost accounting the workers already do: the sum of
 * `total_micros` of the tenant's cost hash in every partition. Read at most every SPEND_CACHE_MS
 * per tenant, so a tenant can pass its limit by what it spends in that time plus the chunks
 * already queued; after that, audio is refused with 402 (`quota_spend`) until the month ends
 * or the limit is raised.
 */
@Injectable()
export class SpendQuota {
  private readonly cache = new Map<string, { month: string; micros: Promise<number>; until: number }>();

  constructor(
    @Inject(QUOTAS_REDIS) private readonly redis: Redis,
    @Inject(QUOTAS_ENVIRONMENT) private readonly env: QuotasEnvironment,
    @Inject(QUOTAS_KEY_SCHEME) private readonly keys: KeyScheme,
    private readonly tenants: TenantSettingsService,
  ) {}

  /** Throws 402 once the tenant's month-to-date spend reached its spendMicroUsdPerMonth. */
  async assertWithinBudget(tenant: string, nowMs = Date.now()): Promise<void> {
    if (!this.env.QUOTAS_ENABLED) return;
    const { spendMicroUsdPerMonth } = await whileQuotaStoreAnswers(() => this.tenants.settingsFor(tenant));
    if (spendMicroUsdPerMonth <= 0) return;
    const spent = await whileQuotaStoreAnswers(() => this.spentThisMonth(tenant, nowMs));
    if (spent >= spendMicroUsdPerMonth)
      throw new QuotaRefusal(
        'spend',
        tenant,
        `tenant '${tenant}' has spent ${usd(spent)} of its ${usd(spendMicroUsdPerMonth)} this month (UTC): no more audio is taken until the month ends or an operator raises spendMicroUsdPerMonth`,
      );
  }

  /** Month-to-date spend (UTC month), in micro-USD, cached for SPEND_CACHE_MS. */
  spentThisMonth(tenant: string, nowMs = Date.now()): Promise<number> {
    const month = utcMonth(nowMs);
    const cached = this.cache.get(tenant);
    if (cached && cached.month === month && cached.until > nowMs) return cached.micros;
    const micros = this.readSpend(tenant, month);
    micros.catch(() => this.cache.delete(tenant));
    this.cache.set(tenant, { month, micros, until: nowMs + this.env.SPEND_CACHE_MS });
    return micros;
  }

  private async readSpend(tenant: string, month: string): Promise<number> {
    // One HGET per partition, not a pipeline: on Redis Cluster the partitions' keys live on different slots.
    const totals = await Promise.all(
      this.keys
        .allPartitions()
        .map((k) => this.redis.hget(this.keys.tenantCostKey(tenant, month, k), TENANT_COST_TOTAL_FIELD)),
    );
    return totals.reduce((sum, total) => sum + (Number(total) || 0), 0);
  }
}

function usd(micros: number): string {
  return `$${(micros / 1e6).toFixed(2)}`;
}
