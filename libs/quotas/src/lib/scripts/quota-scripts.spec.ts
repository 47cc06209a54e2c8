import Redis from 'ioredis';
import { RedisHarness } from '@streamscribe/testing';
import { acquireLiveLeaseScript } from './acquire-live-lease.script';
import { chargeAudioScript } from './charge-audio.script';
import { renewLiveLeasesScript } from './renew-live-leases.script';
import { takeTokenScript } from './take-token.script';

// Time is passed in where the behaviour depends on it, so no test waits on a wall clock.
const T0 = 1_700_000_000_000;

describe('quota scripts, on real Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let otherRouter: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    otherRouter = harness.client();
  });
  beforeEach(() => redis.flushall());
  afterAll(async () => {
    redis.disconnect();
    otherRouter.disconnect();
    await harness.close();
  });

  describe('take-token', () => {
    const take = (client: Redis, nowMs: number | '', rate = 10, burst = 5) =>
      takeTokenScript.run(client, { bucket: 'bucket' }, { ratePerSecond: rate, burst, nowMs });

    it('lets a burst through, then refuses until a token has refilled', async () => {
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await take(redis, T0));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
      expect(decisions[5]).toMatchObject({ retryAfterMs: 100, fullInMs: 500 });
      expect((await take(redis, T0 + 99)).allowed).toBe(false);
      // 200 ms refill 2 tokens: one taken, one left.
      expect(await take(redis, T0 + 200)).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('is one bucket for every router, refilled by elapsed time and never past the burst', async () => {
      for (let i = 0; i < 5; i++) await take(i % 2 ? redis : otherRouter, T0);
      expect((await take(otherRouter, T0)).allowed).toBe(false);
      // An hour idle refills to the burst, not to 36,000 tokens.
      expect(await take(redis, T0 + 3_600_000)).toMatchObject({ allowed: true, remaining: 4 });
    });

    it('does not refill for a clock behind the last refill, and expires once it would be full', async () => {
      await take(redis, T0);
      expect(await take(redis, T0 - 10_000)).toMatchObject({ allowed: true, remaining: 3 });
      const ttl = await redis.pttl('bucket');
      expect(ttl).toBeGreaterThan(200);
      expect(ttl).toBeLessThanOrEqual(200 + 1000);
    });

    it('keeps fractional rates exact over many calls', async () => {
      // 0.5 requests per second, burst 1: one request per 2 s.
      expect((await take(redis, T0, 0.5, 1)).allowed).toBe(true);
      expect(await take(redis, T0 + 1000, 0.5, 1)).toMatchObject({ allowed: false, retryAfterMs: 1000 });
      expect((await take(redis, T0 + 2000, 0.5, 1)).allowed).toBe(true);
    });

    it("uses Redis' clock when none is passed", async () => {
      expect((await take(redis, '')).allowed).toBe(true);
      const [tokens, ms] = await redis.hmget('bucket', 'tokens', 'ms');
      expect(Number(tokens)).toBe(4);
      expect(Math.abs(Number(ms) - Date.now())).toBeLessThan(60_000);
    });
  });

  describe('charge-audio', () => {
    const charge = (chargeMs: number, limitMs = 10_000) =>
      chargeAudioScript.run(redis, { day: 'day' }, { chargeMs, limitMs, ttlSeconds: 172_800 });

    it('charges up to the limit and refuses, without charging, what would pass it', async () => {
      expect(await charge(6000)).toEqual({ charged: true, usedMs: 6000 });
      expect(await charge(4001)).toEqual({ charged: false, usedMs: 6000 });
      expect(await charge(4000)).toEqual({ charged: true, usedMs: 10_000 });
      expect(await charge(1)).toEqual({ charged: false, usedMs: 10_000 });
      expect(await redis.ttl('day')).toBeGreaterThan(172_000);
    });

    it('counts without a limit, and a charge of 0 only reads', async () => {
      expect(await charge(50_000, 0)).toEqual({ charged: true, usedMs: 50_000 });
      expect(await charge(0)).toEqual({ charged: true, usedMs: 50_000 });
    });

    it('never lets concurrent charges pass the limit together', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          chargeAudioScript.run(
            i % 2 ? redis : otherRouter,
            { day: 'day' },
            { chargeMs: 1000, limitMs: 25_000, ttlSeconds: 60 },
          ),
        ),
      );
      expect(results.filter((r) => r.charged)).toHaveLength(25);
      expect(await redis.get('day')).toBe('25000');
    });
  });

  describe('live leases', () => {
    const acquire = (leaseId: string, nowMs: number, limit = 2, client = redis) =>
      acquireLiveLeaseScript.run(client, { leases: 'live' }, { leaseId, limit, leaseMs: 30_000, nowMs });
    const renew = (nowMs: number, ids: string[] = []) =>
      renewLiveLeasesScript.run(redis, { leases: 'live' }, { leaseMs: 30_000, nowMs }, ids);

    it('admits up to the limit across routers, and again once one is released', async () => {
      expect(await acquire('a', T0)).toEqual({ acquired: true, live: 1 });
      expect(await acquire('b', T0, 2, otherRouter)).toEqual({ acquired: true, live: 2 });
      expect(await acquire('c', T0)).toEqual({ acquired: false, live: 2 });
      await redis.zrem('live', 'a');
      expect(await acquire('c', T0)).toEqual({ acquired: true, live: 2 });
    });

    it("frees a crashed router's leases once they expire, while renewed ones stay", async () => {
      await acquire('crashed', T0);
      await acquire('renewed', T0);
      expect(await renew(T0 + 20_000, ['renewed'])).toBe(2);
      // 'crashed' expired at T0 + 30 s; 'renewed' lives until T0 + 50 s.
      expect(await acquire('new', T0 + 31_000)).toEqual({ acquired: true, live: 2 });
      expect(await redis.zrange('live', 0, -1)).toEqual(['renewed', 'new']);
      expect(await renew(T0 + 62_000)).toBe(0);
    });

    it('puts back a lease that expired while its connection stayed open', async () => {
      await acquire('a', T0);
      expect(await renew(T0 + 40_000, ['a'])).toBe(1);
      expect(await redis.zscore('live', 'a')).toBe(String(T0 + 70_000));
    });

    it('admits any number with limit 0', async () => {
      for (let i = 0; i < 5; i++) expect((await acquire(`l${i}`, T0, 0)).acquired).toBe(true);
      expect(await renew(T0)).toBe(5);
    });
  });
});
