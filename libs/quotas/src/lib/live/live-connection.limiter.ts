import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@streamscribe/observability';
import { quotaKeys } from '../quota-keys';
import { QuotaRefusal } from '../quota-refusal';
import { whileQuotaStoreAnswers } from '../quota-store';
import { QuotasEnvironment } from '../quotas-environment';
import { acquireLiveLeaseScript } from '../scripts/acquire-live-lease.script';
import { renewLiveLeasesScript } from '../scripts/renew-live-leases.script';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { QUOTAS_ENVIRONMENT, QUOTAS_REDIS } from '../tokens';

/** A live connection's place; give it back exactly once, when the connection ends. */
export interface LiveLease {
  readonly tenant: string;
  readonly id: string;
  release(): Promise<void>;
}

export type LiveAdmission = { admitted: true; lease: LiveLease } | { admitted: false; refusal: QuotaRefusal };

/**
 * Live connections (SSE and WebSocket feeds), limited per router (MAX_LIVE_CONNECTIONS_PER_ROUTER,
 * a local counter) and per tenant across every router (the tenant's maxLiveConnections, a lease
 * per connection in a Redis sorted set). This router renews its leases every third of
 * LIVE_LEASE_MS while their connections are open; a router that crashes stops renewing, and its
 * leases expire after LIVE_LEASE_MS instead of holding their tenant's places for ever.
 */
@Injectable()
export class LiveConnectionLimiter implements OnApplicationShutdown {
  private readonly log = createLogger('live-connections');
  /** Lease ids this router holds, by tenant. */
  private readonly held = new Map<string, Set<string>>();
  private open = 0;
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    @Inject(QUOTAS_REDIS) private readonly redis: Redis,
    @Inject(QUOTAS_ENVIRONMENT) private readonly env: QuotasEnvironment,
    private readonly tenants: TenantSettingsService,
  ) {}

  /** Live connections open on this router. */
  get openHere(): number {
    return this.open;
  }

  async acquire(tenant: string): Promise<LiveAdmission> {
    const routerLimit = this.env.MAX_LIVE_CONNECTIONS_PER_ROUTER;
    if (routerLimit > 0 && this.open >= routerLimit)
      return refused(
        new QuotaRefusal(
          'live_router',
          tenant,
          `this router holds its limit of ${routerLimit} live connections (MAX_LIVE_CONNECTIONS_PER_ROUTER): retry shortly`,
          1,
        ),
      );
    // Counted before Redis answers, so concurrent connections cannot all pass the router's check.
    this.open++;
    try {
      const lease = await this.leaseFor(tenant);
      if (lease) return { admitted: true, lease };
    } catch (error) {
      this.open--;
      throw error;
    }
    this.open--;
    const { maxLiveConnections } = await this.tenants.settingsFor(tenant);
    return refused(
      new QuotaRefusal(
        'live_tenant',
        tenant,
        `tenant '${tenant}' has its limit of ${maxLiveConnections} live connections open: close one, or retry later`,
        Math.ceil(this.env.LIVE_LEASE_MS / 3000),
      ),
    );
  }

  /** The tenant's live connections across every router (expired leases not counted). */
  liveConnectionsOf(tenant: string): Promise<number> {
    return renewLiveLeasesScript.run(
      this.redis,
      { leases: quotaKeys.liveLeases(tenant) },
      { leaseMs: this.env.LIVE_LEASE_MS, nowMs: '' },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.renewal);
    this.renewal = undefined;
    const held = [...this.held];
    this.held.clear();
    // Best effort: leases not removed expire by themselves.
    await Promise.allSettled(
      held.map(([tenant, ids]) => this.redis.zrem(quotaKeys.liveLeases(tenant), ...ids)),
    );
  }

  /** A lease of the tenant's, or undefined when the tenant has its limit open. */
  private async leaseFor(tenant: string): Promise<LiveLease | undefined> {
    const id = randomUUID();
    if (this.env.QUOTAS_ENABLED) {
      const { maxLiveConnections } = await whileQuotaStoreAnswers(() => this.tenants.settingsFor(tenant));
      const { acquired } = await whileQuotaStoreAnswers(() =>
        acquireLiveLeaseScript.run(
          this.redis,
          { leases: quotaKeys.liveLeases(tenant) },
          { leaseId: id, limit: maxLiveConnections, leaseMs: this.env.LIVE_LEASE_MS, nowMs: '' },
        ),
      );
      if (!acquired) return undefined;
      this.hold(tenant, id);
    }
    let released = false;
    return {
      tenant,
      id,
      release: async () => {
        if (released) return;
        released = true;
        this.open--;
        if (!this.env.QUOTAS_ENABLED) return;
        this.unhold(tenant, id);
        // Best effort: a lease Redis did not drop expires after LIVE_LEASE_MS.
        await this.redis.zrem(quotaKeys.liveLeases(tenant), id).catch((error: Error) => {
          this.log.warn({ tenant, err: error.message }, 'live lease not released; it will expire');
        });
      },
    };
  }

  private hold(tenant: string, id: string): void {
    const ids = this.held.get(tenant) ?? new Set<string>();
    ids.add(id);
    this.held.set(tenant, ids);
    this.renewal ??= setInterval(() => void this.renewAll(), Math.floor(this.env.LIVE_LEASE_MS / 3));
    this.renewal.unref();
  }

  private unhold(tenant: string, id: string): void {
    const ids = this.held.get(tenant);
    ids?.delete(id);
    if (ids?.size === 0) this.held.delete(tenant);
    if (this.held.size === 0) {
      clearInterval(this.renewal);
      this.renewal = undefined;
    }
  }

  private async renewAll(): Promise<void> {
    for (const [tenant, ids] of this.held) {
      await renewLiveLeasesScript
        .run(
          this.redis,
          { leases: quotaKeys.liveLeases(tenant) },
          { leaseMs: this.env.LIVE_LEASE_MS, nowMs: '' },
          [...ids],
        )
        .catch((error: Error) =>
          this.log.warn({ tenant, err: error.message }, 'live leases not renewed; retrying next round'),
        );
    }
  }
}

function refused(refusal: QuotaRefusal): LiveAdmission {
  return { admitted: false, refusal };
}
