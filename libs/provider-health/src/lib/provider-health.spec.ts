import Redis from 'ioredis';
import { RedisHarness, redisCommandCalls } from '@streamscribe/testing';
import { HealthSettings } from './health-settings';
import { latencyBucket, latencyQuantile } from './latency-histogram';
import { ProviderHealthReader } from './provider-health.reader';
import { ProviderHealthRecorder } from './provider-health.recorder';

// Time is passed in explicitly: the breaker's clock is the caller's, so no test waits on a wall clock.
const settings: HealthSettings = {
  windowMs: 10_000,
  slots: 10,
  minRequests: 4,
  errorRate: 0.5,
  openMs: 5_000,
  probeTimeoutMs: 2_000,
};
const T0 = 1_000_000_000;

describe('provider health and circuit breakers, on real Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: ProviderHealthRecorder;
  let deepgramReplica: ProviderHealthRecorder;
  let router: ProviderHealthReader;
  let otherRouter: ProviderHealthReader;
  const replicas: Redis[] = [];

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    router = new ProviderHealthReader(redis, settings);
    replicas.push(harness.client());
    otherRouter = new ProviderHealthReader(replicas[0], settings);
  });
  beforeEach(async () => {
    await redis.flushall();
    deepgram = new ProviderHealthRecorder(redis, 'deepgram', settings);
    deepgramReplica = new ProviderHealthRecorder(replicas[0], 'deepgram', settings);
  });
  afterAll(async () => {
    redis.disconnect();
    for (const replica of replicas) replica.disconnect();
    await harness.close();
  });

  const ok = (ms = 100, audioSeconds = 1) => ({ ok: true as const, providerMs: ms, audioSeconds });
  const failure = { ok: false as const };

  it('stays closed below the minimum number of calls, opens at the error rate, across replicas', async () => {
    await deepgram.record(ok(), T0);
    await deepgramReplica.record(failure, T0 + 1);
    expect((await deepgram.record(failure, T0 + 2)).state).toBe('closed'); // 2 of 3: too few calls
    const opened = await deepgramReplica.record(failure, T0 + 3);
    expect(opened).toEqual({
      state: 'open',
      transition: { to: 'open', reason: '3 of 4 calls failed in the last 10000 ms' },
    });
    const seen = (await otherRouter.readAll(T0 + 4)).deepgram;
    expect(seen.breaker).toMatchObject({ state: 'open', openUntil: T0 + 3 + settings.openMs });
    expect(seen).toMatchObject({ okCount: 1, errorCount: 3, errorRate: 0.75 });
  });

  it('does not open while the error rate is under the threshold', async () => {
    for (let i = 0; i < 6; i++) await deepgram.record(ok(), T0 + i);
    for (let i = 0; i < 5; i++) expect((await deepgram.record(failure, T0 + 10 + i)).state).toBe('closed');
    expect((await router.readAll(T0 + 20)).deepgram.errorRate).toBeCloseTo(5 / 11);
  });

  it('forgets outcomes older than the window', async () => {
    for (let i = 0; i < 3; i++) await deepgram.record(failure, T0 + i);
    // A window later, the old failures no longer count: one more failure is 1 of 1, under minRequests.
    expect((await deepgram.record(failure, T0 + settings.windowMs + 1)).state).toBe('closed');
    expect((await router.readAll(T0 + settings.windowMs + 2)).deepgram).toMatchObject({
      errorCount: 1,
      okCount: 0,
    });
  });

  it("opens for as long as a provider's Retry-After asks, on the first such error", async () => {
    const opened = await deepgram.record({ ok: false, retryAfterMs: 15_000 }, T0);
    expect(opened.transition?.reason).toMatch(/retry after 15000 ms/);
    expect((await router.readAll(T0 + 14_999)).deepgram.breaker.state).toBe('open');
    expect((await router.readAll(T0 + 15_000)).deepgram.breaker.state).toBe('half_open');
  });

  it('caps a Retry-After at four open periods, so one stray header cannot shut a provider for a day', async () => {
    const opened = await deepgram.record({ ok: false, retryAfterMs: 86_400_000 }, T0);
    expect(opened.transition?.reason).toMatch(new RegExp(`retry after ${4 * settings.openMs} ms`));
    expect((await router.readAll(T0 + 4 * settings.openMs)).deepgram.breaker.state).toBe('half_open');
  });

  it('half-open: one probe at a time; a success closes it and clears the old errors', async () => {
    for (let i = 0; i < 4; i++) await deepgram.record(failure, T0 + i);
    const halfOpenAt = T0 + 3 + settings.openMs;
    expect(await router.claimProbe('deepgram', halfOpenAt - 1)).toBe(false);
    expect(await router.claimProbe('deepgram', halfOpenAt)).toBe(true);
    expect(await otherRouter.claimProbe('deepgram', halfOpenAt + 1)).toBe(false);
    expect((await router.readAll(halfOpenAt + 2)).deepgram.breaker.state).toBe('half_open');
    expect(await otherRouter.claimProbe('deepgram', halfOpenAt + settings.probeTimeoutMs)).toBe(true); // the first probe timed out
    expect(await deepgramReplica.record(ok(), halfOpenAt + 3)).toEqual({
      state: 'closed',
      transition: { to: 'closed', reason: 'a probe succeeded' },
    });
    expect((await deepgram.record(failure, halfOpenAt + 4)).state).toBe('closed');
    expect(await router.claimProbe('deepgram', halfOpenAt + 5)).toBe(true); // closed: anything goes
  });

  it('half-open: a failed probe reopens it for another open period', async () => {
    for (let i = 0; i < 4; i++) await deepgram.record(failure, T0 + i);
    const halfOpenAt = T0 + 3 + settings.openMs;
    expect(await router.claimProbe('deepgram', halfOpenAt)).toBe(true);
    expect(await deepgram.record(failure, halfOpenAt + 10)).toEqual({
      state: 'open',
      transition: { to: 'open', reason: 'the probe failed' },
    });
    expect((await router.readAll(halfOpenAt + 11)).deepgram.breaker).toMatchObject({
      state: 'open',
      openUntil: halfOpenAt + 10 + settings.openMs,
    });
  });

  it('measures latency per audio second (mean, p50, p95), service time and totals', async () => {
    const capabilities = {
      languages: ['en'],
      diarization: false,
      wordTimestamps: true,
      streaming: false,
      maxAudioSeconds: 30,
    };
    await deepgram.announce({ slotsPerConsumer: 8, capabilities });
    for (let i = 0; i < 18; i++) await deepgram.record(ok(40, 2), T0 + i); // 20 ms per audio second
    for (let i = 0; i < 2; i++) await deepgram.record(ok(2000, 1), T0 + 20 + i); // slow calls: 2000 ms per audio second
    const health = (await router.readAll(T0 + 22)).deepgram;
    expect(health.latencyPerAudioSecond).toBeCloseTo((18 * 40 + 4000) / 1000 / 38);
    expect(health.latencyPerAudioSecondP50).toBeGreaterThan(0.01);
    expect(health.latencyPerAudioSecondP50).toBeLessThanOrEqual(0.02);
    expect(health.latencyPerAudioSecondP95).toBeGreaterThan(1.5);
    expect(health).toMatchObject({
      serviceSeconds: expect.closeTo((18 * 40 + 4000) / 1000 / 20, 6),
      slotsPerConsumer: 8,
      capabilities,
      okTotal: 20,
      audioSecondsTotal: 38,
    });
    expect((await router.readAll(T0 + 21)).whisper).toMatchObject({
      okCount: 0,
      breaker: { state: 'closed' },
      latencyPerAudioSecond: undefined,
    });
  });

  it('recordSoon: the successes of one event-loop turn are one Lua call, and read as if recorded one by one', async () => {
    const outcomes = [...Array.from({ length: 18 }, () => ok(40, 2)), ok(2000, 1), ok(2000, 1)];
    const whisper = new ProviderHealthRecorder(redis, 'whisper', settings);
    for (const outcome of outcomes) await whisper.record(outcome, Date.now());
    const before = await redisCommandCalls(redis, ['eval', 'evalsha']);
    const recorded = await Promise.all(outcomes.map((outcome) => deepgram.recordSoon(outcome)));
    expect(await redisCommandCalls(redis, ['eval', 'evalsha'])).toBe(before + 1);
    expect(recorded).toEqual(outcomes.map(() => ({ state: 'closed' })));

    const { deepgram: batched, whisper: oneByOne } = await router.readAll(Date.now());
    for (const field of [
      'okTotal',
      'okCount',
      'audioSecondsTotal',
      'latencyPerAudioSecond',
      'latencyPerAudioSecondP50',
      'latencyPerAudioSecondP95',
      'serviceSeconds',
    ] as const)
      expect([field, batched[field]]).toEqual([field, oneByOne[field]]);
    expect(batched.okTotal).toBe(20);
  });

  it('recordSoon: an error is counted after the successes before it (a half-open breaker is closed by them first)', async () => {
    // Opened a second ago for 10 ms: half-open now.
    await deepgram.record({ ok: false, retryAfterMs: 10 }, Date.now() - 1000);
    const [success, another, error] = await Promise.all([
      deepgram.recordSoon(ok()),
      deepgram.recordSoon(ok()),
      deepgram.recordSoon(failure),
    ]);
    expect(success).toEqual({ state: 'closed', transition: { to: 'closed', reason: 'a probe succeeded' } });
    expect(another).toEqual({ state: 'closed' }); // the move is told once
    expect(error.state).toBe('closed'); // 1 error since it closed: under minRequests
  });
});

describe('latency histogram', () => {
  it.each([
    [0, 0],
    [10, 0],
    [10.5, 1],
    [5000, 14],
    [9000, 15],
  ])('%d ms per audio second goes to bucket %d', (ms, bucket) => {
    expect(latencyBucket(ms)).toBe(bucket);
  });
  it('interpolates quantiles inside a bucket and is undefined when empty', () => {
    expect(latencyQuantile([0, 0, 0], 0.5)).toBeUndefined();
    expect(latencyQuantile([0, 4], 0.5)).toBe(15); // bucket (10, 20], half way
  });
});
