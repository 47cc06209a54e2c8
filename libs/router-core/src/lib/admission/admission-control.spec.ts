import Redis from 'ioredis';
import { HttpException } from '@nestjs/common';
import {
  KeyScheme,
  ProviderName,
  providerGroup,
  providerHeartbeatKey,
  providerHealthKey,
} from '@streamscribe/contracts';
import { DEFAULT_HEALTH_SETTINGS, ProviderHealthRecorder } from '@streamscribe/provider-health';
import { ensureGroup } from '@streamscribe/redis';
import { RedisHarness } from '@streamscribe/testing';
import { ProviderChooser } from '../provider-chooser';
import { ProviderStateMonitor } from '../provider-state.monitor';
import { RouterEnvironment } from '../router-environment';
import { AdmissionControl } from './admission-control';
import { AdmissionRefusal } from './admission-refusal';

// Two partitions: the backlog must be summed over both streams, as workers read both.
const keys = new KeyScheme({ partitions: 2, cluster: false });
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };
const settings = { ...DEFAULT_HEALTH_SETTINGS, windowMs: 600_000 };

/** Admission control on a real redis-server: the readings, the chooser's decisions, and their cost. */
describe('admission control on real Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let admission: AdmissionControl;
  let chooser: ProviderChooser;

  const env = Object.assign(new RouterEnvironment(), {
    ADMISSION_MAX_WAIT_MS: 2000,
    ADMISSION_MEMORY_HEADROOM: 0.25,
    ADMISSION_REFRESH_MS: 60_000,
  });

  /** A fleet as workers leave it: heartbeats, announced slots, and calls measured through the real recorder. */
  async function fleet(provider: ProviderName, consumers: number, slots: number, serviceMs: number) {
    const now = Date.now();
    for (let i = 0; i < consumers; i++)
      await redis.zadd(providerHeartbeatKey(provider), now, `${provider}-worker-${i}`);
    const recorder = new ProviderHealthRecorder(redis, provider, settings);
    await recorder.announce({
      slotsPerConsumer: slots,
      capabilities: {
        languages: 'any',
        maxAudioSeconds: 600,
        diarization: true,
        wordTimestamps: true,
        streaming: true,
      },
    });
    for (let i = 0; i < 4; i++) await recorder.record({ ok: true, providerMs: serviceMs, audioSeconds: 1 });
  }

  /** `count` entries on one partition of the provider's stream, `delivered` of them read and not acknowledged. */
  async function backlog(provider: ProviderName, partition: number, count: number, delivered = 0) {
    const stream = keys.providerStream(provider, partition);
    await ensureGroup(redis, stream, providerGroup(provider));
    for (let i = 0; i < count; i++) await redis.xadd(stream, '*', 'chunk_id', `c${i}`);
    if (delivered > 0)
      await redis.xreadgroup(
        'GROUP',
        providerGroup(provider),
        'reader',
        'COUNT',
        delivered,
        'STREAMS',
        stream,
        '>',
      );
  }

  const fillers: string[] = [];
  /** Small values (a large one would pass maxmemory in the query buffer alone). */
  async function fillMemoryTo(bytes: number) {
    const used = async () => Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1]);
    while ((await used()) < bytes) {
      const key = `filler:${fillers.length}`;
      fillers.push(key);
      await redis.set(key, 'x'.repeat(128 * 1024));
    }
  }

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
    const monitor = new ProviderStateMonitor(redis, 60_000, 0, settings, [], keys);
    admission = new AdmissionControl(redis, env, keys, monitor);
    chooser = new ProviderChooser(monitor, admission);
  });

  afterAll(async () => {
    redis?.disconnect();
    await harness?.close();
  });

  it('sums lag and pending over every partition and estimates the wait from measured service time', async () => {
    // Deepgram: 1 consumer × 2 slots at 500 ms a chunk; 10 + 6 chunks queued, 2 of them delivered.
    await fleet('deepgram', 1, 2, 500);
    await backlog('deepgram', 0, 10, 2);
    await backlog('deepgram', 1, 6);
    // Whisper: 2 consumers × 1 slot at 200 ms; 4 queued.
    await fleet('whisper', 2, 1, 200);
    await backlog('whisper', 1, 4);
    await admission.refresh();
    const { providers } = admission.current() as NonNullable<ReturnType<AdmissionControl['current']>>;
    expect(providers.deepgram).toMatchObject({
      backlog: 16,
      liveConsumers: 1,
      slots: 2,
      serviceSeconds: 0.5,
    });
    expect(providers.deepgram.estimatedWaitMs).toBeCloseTo(4000);
    expect(providers.whisper.estimatedWaitMs).toBeCloseTo(400);
    // No live worker: nothing to estimate (routing refuses it anyway).
    expect(providers.parakeet.estimatedWaitMs).toBeUndefined();
  });

  it('routes around a provider over the bound, and refuses (429) only when every allowed one is over', async () => {
    const free = await chooser.choose({ fallback: [], hints });
    expect(free.provider).toBe('whisper');
    // Deepgram asked for, whisper allowed as its fallback: the fallback takes it.
    const fallback = await chooser.choose({ preferred: 'deepgram', fallback: ['whisper'], hints });
    expect(fallback).toMatchObject({ provider: 'whisper', reason: 'fallback' });

    const refused = await chooser.choose({ preferred: 'deepgram', fallback: [], hints }).catch((e) => e);
    expect(refused).toBeInstanceOf(AdmissionRefusal);
    expect((refused as HttpException).getStatus()).toBe(429);
    expect((refused as AdmissionRefusal).retryAfterSeconds).toBe(2);
    expect((refused as AdmissionRefusal).over).toEqual({
      reason: 'backlog',
      providers: [
        {
          provider: 'deepgram',
          estimatedWaitMs: 4000,
          maxWaitMs: 2000,
          overByMs: 2000,
          backlog: 16,
          slots: 2,
          serviceSeconds: 0.5,
        },
      ],
    });
    // Work already in the system (a live session's failover) is never refused.
    const failover = await chooser.choose(
      { preferred: 'deepgram', fallback: [], hints },
      { admission: false },
    );
    expect(failover.provider).toBe('deepgram');
  });

  it('admits again once the backlog drains', async () => {
    for (const k of keys.allPartitions()) {
      const stream = keys.providerStream('deepgram', k);
      const delivered = (await redis.xreadgroup(
        'GROUP',
        providerGroup('deepgram'),
        'reader',
        'STREAMS',
        stream,
        '>',
      )) as [string, [string, string[]][]][] | null;
      const pending = (await redis.xpending(stream, providerGroup('deepgram'), '-', '+', 100)) as [string][];
      await redis.xack(stream, providerGroup('deepgram'), ...pending.map(([id]) => id));
      expect(delivered === null || delivered.length === 1).toBe(true);
    }
    await admission.refresh();
    expect(admission.current()?.providers.deepgram.backlog).toBe(0);
    await expect(chooser.choose({ preferred: 'deepgram', fallback: [], hints })).resolves.toMatchObject({
      provider: 'deepgram',
    });
  });

  it('decides from the snapshot: checking costs no Redis command', async () => {
    await admission.refresh();
    const calls = async () => {
      const stats = await redis.info('commandstats');
      const sum = (name: string) =>
        Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
      return { xinfo: sum('xinfo\\|groups'), info: sum('info'), xlen: sum('xlen') };
    };
    const before = await calls();
    for (let i = 0; i < 200; i++) {
      admission.memoryRefusal();
      admission.backlogOf('deepgram');
    }
    const after = await calls();
    // The only INFO between the readings is the one `calls` itself sent.
    expect(after).toEqual({ ...before, info: before.info + 1 });
  });

  it('refuses (503) while Redis memory is inside its headroom, and stops when it is freed', async () => {
    const used = Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1]);
    const maxmemory = used + 8 * 1024 * 1024;
    await redis.config('SET', 'maxmemory', String(maxmemory));
    try {
      // Past maxmemory × (1 − 0.25), under maxmemory: writes still succeed, new work does not.
      await fillMemoryTo(Math.ceil(maxmemory * 0.8));
      await admission.refresh();
      const refused = await chooser.choose({ fallback: [], hints }).catch((e) => e);
      expect(refused).toBeInstanceOf(AdmissionRefusal);
      expect((refused as HttpException).getStatus()).toBe(503);
      const over = (refused as AdmissionRefusal).over;
      expect(over).toMatchObject({ reason: 'redis_memory', maxmemoryBytes: maxmemory });
      expect(over.reason === 'redis_memory' && over.overByBytes).toBeGreaterThan(0);
      expect((refused as AdmissionRefusal).retryAfterSeconds).toBeGreaterThanOrEqual(5);
      // A worker's writes for work already accepted still fit below maxmemory.
      await expect(redis.hincrby(providerHealthKey('deepgram'), 'ok_total', 1)).resolves.toBeGreaterThan(0);

      await redis.del(...fillers);
      await admission.refresh();
      // Admitted again. Routing reads loads summed over every partition too: whisper still has 4
      // chunks queued on partition 1, deepgram's backlog was drained, so deepgram is the less loaded.
      await expect(chooser.choose({ fallback: [], hints })).resolves.toMatchObject({ provider: 'deepgram' });
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
  });
});
