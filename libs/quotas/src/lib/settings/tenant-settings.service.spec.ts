import Redis from 'ioredis';
import { validateEnvironment } from '@streamscribe/config';
import { RedisHarness } from '@streamscribe/testing';
import { QuotasEnvironment } from '../quotas-environment';
import { TenantSettingsService } from './tenant-settings.service';

describe('TenantSettingsService, on real Redis', () => {
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

  const service = (env: Record<string, string> = {}) =>
    new TenantSettingsService(redis, validateEnvironment(QuotasEnvironment, env));

  it('starts from the configured defaults and overrides them field by field', async () => {
    const settings = service({ QUOTA_BURST: '7', QUOTA_ALLOW_CONSENSUS: 'false' });
    expect(await settings.settingsFor('acme')).toMatchObject({
      burst: 7,
      allowConsensus: false,
      requestsPerSecond: 100,
    });
    await settings.override('acme', { requestsPerSecond: 2.5, allowConsensus: true });
    expect(await redis.hgetall('streamscribe:tenant:acme:settings')).toEqual({
      requestsPerSecond: '2.5',
      allowConsensus: 'true',
    });
    expect(await settings.settingsFor('acme')).toMatchObject({
      burst: 7,
      requestsPerSecond: 2.5,
      allowConsensus: true,
    });
    await settings.override('acme', { allowConsensus: null });
    expect(await settings.overridesFor('acme')).toEqual({ requestsPerSecond: 2.5 });
    expect(await settings.clearOverrides('acme')).toMatchObject({
      requestsPerSecond: 100,
      allowConsensus: false,
    });
  });

  it("sees another router's change only after its cache time, its own at once", async () => {
    const here = service({ TENANT_SETTINGS_CACHE_MS: '60000' });
    const elsewhere = service();
    expect(await here.retentionSecondsFor('acme')).toBe(86_400);
    await elsewhere.override('acme', { retentionSeconds: 3600 });
    expect(await here.retentionSecondsFor('acme')).toBe(86_400); // cached
    expect(await elsewhere.retentionSecondsFor('acme')).toBe(3600);
    await here.override('acme', { burst: 3 });
    expect(await here.settingsFor('acme')).toMatchObject({ retentionSeconds: 3600, burst: 3 });
  });

  it('ignores stored values it cannot read, keeping the default', async () => {
    await redis.hset('streamscribe:tenant:acme:settings', {
      burst: 'lots',
      allowHedging: 'maybe',
      unknown: '1',
    });
    expect(await service().overridesFor('acme')).toEqual({});
  });
});
