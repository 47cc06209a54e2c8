import Redis from 'ioredis';
import { KeyScheme } from '@streamscribe/contracts';
import { validateEnvironment } from '@streamscribe/config';
import { RedisHarness } from '@streamscribe/testing';
import { AudioQuota } from './ingest/audio-quota';
import { IngestQuota } from './ingest/ingest-quota';
import { SpendQuota } from './ingest/spend-quota';
import { LiveConnectionLimiter, LiveAdmission, LiveLease } from './live/live-connection.limiter';
import { quotaKeys, utcDay } from './quota-keys';
import { QuotasEnvironment } from './quotas-environment';
import { TenantSettingsService } from './settings/tenant-settings.service';

/** One router's quota services, as the router module builds them. */
function routerQuotas(redis: Redis, env: Record<string, string>, keys = new KeyScheme()) {
  const settings = validateEnvironment(QuotasEnvironment, {
    TENANT_SETTINGS_CACHE_MS: '0',
    SPEND_CACHE_MS: '0',
    ...env,
  });
  const tenants = new TenantSettingsService(redis, settings);
  const audio = new AudioQuota(redis, settings, tenants);
  const spend = new SpendQuota(redis, settings, keys, tenants);
  return {
    tenants,
    audio,
    live: new LiveConnectionLimiter(redis, settings, tenants),
    ingest: new IngestQuota(settings, tenants, spend, audio),
  };
}

function leaseOf(admission: LiveAdmission): LiveLease {
  if (!admission.admitted) throw new Error(`refused: ${admission.refusal.message}`);
  return admission.lease;
}

describe('quota services, on real Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  beforeEach(() => redis.flushall());
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('live connections: per tenant across routers, per router locally, released once', async () => {
    const a = routerQuotas(redis, { QUOTA_MAX_LIVE_CONNECTIONS: '2', MAX_LIVE_CONNECTIONS_PER_ROUTER: '2' });
    const b = routerQuotas(redis, { QUOTA_MAX_LIVE_CONNECTIONS: '2', MAX_LIVE_CONNECTIONS_PER_ROUTER: '2' });
    const first = leaseOf(await a.live.acquire('acme'));
    leaseOf(await b.live.acquire('acme'));
    const third = await a.live.acquire('acme');
    expect(third).toMatchObject({ admitted: false, refusal: { reason: 'live_tenant' } });
    // Router a holds one; its second place goes to another tenant, its third is refused whoever asks.
    leaseOf(await a.live.acquire('other'));
    expect(await a.live.acquire('third')).toMatchObject({
      admitted: false,
      refusal: { reason: 'live_router' },
    });
    await first.release();
    await first.release(); // a second release frees nothing more
    expect(a.live.openHere).toBe(1);
    expect(await a.live.liveConnectionsOf('acme')).toBe(1);
    leaseOf(await b.live.acquire('acme'));
    await Promise.all([a.live.onApplicationShutdown(), b.live.onApplicationShutdown()]);
    expect(await redis.exists('streamscribe:tenant:acme:live')).toBe(0);
  });

  it('admits audio in order: consensus allowed, spend under budget, then audio seconds charged', async () => {
    const { ingest, tenants, audio } = routerQuotas(redis, {});
    await tenants.override('acme', {
      allowConsensus: false,
      spendMicroUsdPerMonth: 1000,
      audioSecondsPerDay: 10,
    });
    await expect(ingest.admit('acme', { audioSeconds: 1, consensus: true })).rejects.toMatchObject({
      reason: 'consensus_not_allowed',
    });
    const charge = await ingest.admit('acme', { audioSeconds: 6, consensus: false });
    await expect(ingest.admit('acme', { audioSeconds: 6, consensus: false })).rejects.toMatchObject({
      reason: 'audio_seconds',
      retryAfterSeconds: expect.any(Number),
    });
    await charge.refund();
    expect(await audio.usedToday('acme')).toBe(0);
    await ingest.admit('acme', { audioSeconds: 2.5, consensus: false });
    expect(await audio.usedToday('acme')).toBe(2.5);

    // Spend summed over every partition of the month.
    const month = new Date().toISOString().slice(0, 7);
    const keys = new KeyScheme({ partitions: 2, cluster: false });
    const partitioned = routerQuotas(redis, {}, keys);
    await redis.hset(keys.tenantCostKey('acme', month, 0), 'total_micros', 600);
    await redis.hset(keys.tenantCostKey('acme', month, 1), 'total_micros', 400);
    await expect(
      partitioned.ingest.admit('acme', { audioSeconds: 1, consensus: false }),
    ).rejects.toMatchObject({
      reason: 'spend',
      status: 402,
    });
  });

  it('hedging only for tenants allowing it; nothing checked with quotas off', async () => {
    const on = routerQuotas(redis, { QUOTA_ALLOW_HEDGING: 'false' });
    expect(await on.ingest.hedgingAllowed('acme')).toBe(false);
    await on.tenants.override('acme', { allowHedging: true });
    expect(await on.ingest.hedgingAllowed('acme')).toBe(true);

    const off = routerQuotas(redis, { QUOTAS_ENABLED: 'false', QUOTA_ALLOW_CONSENSUS: 'false' });
    await off.ingest.admit('acme', { audioSeconds: 1e6, consensus: true });
    expect(await redis.exists(quotaKeys.audioDay('acme', utcDay(Date.now())))).toBe(0);
  });

  it('names a bad quota variable at start', () => {
    expect(() =>
      validateEnvironment(QuotasEnvironment, { QUOTA_BURST: '0', QUOTAS_ENABLED: 'maybe' }),
    ).toThrow(
      /QUOTAS_ENABLED="maybe": QUOTAS_ENABLED must be true or false[\s\S]*QUOTA_BURST=0: QUOTA_BURST must not be less than 1/,
    );
  });
});
