import Redis from 'ioredis';
import { HttpException } from '@nestjs/common';
import { KeyScheme, PROVIDERS, providerHeartbeatKey } from '@streamscribe/contracts';
import { DEFAULT_HEALTH_SETTINGS } from '@streamscribe/provider-health';
import { RedisHarness, redisCommandCalls } from '@streamscribe/testing';
import { AdmissionControl } from './admission/admission-control';
import { ProviderChooser } from './provider-chooser';
import { ProviderStateMonitor } from './provider-state.monitor';
import { RouterEnvironment } from './router-environment';

const keys = new KeyScheme({ partitions: 1, cluster: false });
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };

/** The chooser's refusals on a real redis-server, with a cache far longer than the test. */
describe('ProviderChooser refusing for want of a live provider', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let monitor: ProviderStateMonitor;
  let chooser: ProviderChooser;

  const xinfoCalls = () => redisCommandCalls(redis, ['xinfo|groups']);

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
    // LOAD_CACHE_MS of a minute: only a re-read can see a worker that joined after the first reading.
    monitor = new ProviderStateMonitor(redis, 60_000, 60_000, DEFAULT_HEALTH_SETTINGS, [], keys);
    const env = Object.assign(new RouterEnvironment(), {
      ADMISSION_MAX_WAIT_MS: 0,
      ADMISSION_MEMORY_HEADROOM: 0,
    });
    chooser = new ProviderChooser(monitor, new AdmissionControl(redis, env, keys, monitor));
  });

  afterAll(async () => {
    redis?.disconnect();
    await harness?.close();
  });

  it('refuses (503) with no live worker, after one fresh reading, not one per loop', async () => {
    await monitor.current();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await xinfoCalls();
    const refused = await chooser.choose({ preferred: 'whisper', fallback: [], hints }).catch((e) => e);
    expect(refused).toBeInstanceOf(HttpException);
    expect((refused as HttpException).getStatus()).toBe(503);
    // Exactly one fresh reading: a group per provider and partition (none would be a stale refusal).
    expect((await xinfoCalls()) - before).toBe(keys.allPartitions().length * PROVIDERS.length);
  });

  it('serves a worker that joined after the cached reading (the first request after npm start)', async () => {
    await monitor.current();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await redis.zadd(providerHeartbeatKey('whisper'), Date.now(), 'whisper-just-started');
    await expect(chooser.choose({ preferred: 'whisper', fallback: [], hints })).resolves.toMatchObject({
      provider: 'whisper',
    });
  });
});
