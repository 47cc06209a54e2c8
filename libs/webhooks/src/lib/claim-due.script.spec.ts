import type Redis from 'ioredis';
import { RedisHarness } from '@streamscribe/testing';
import { CLAIM_DUE_SCRIPT } from './claim-due.script';

describe('CLAIM_DUE_SCRIPT on real Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    CLAIM_DUE_SCRIPT.define(redis);
  });
  afterAll(async () => {
    redis?.disconnect();
    await harness?.close();
  });

  const claim = (now: number, leaseUntil: number, limit = 10) =>
    CLAIM_DUE_SCRIPT.run(
      redis,
      { schedule: 'streamscribe:test:due' },
      { now, lease_until: leaseUntil, limit },
    );

  it('claims only what is due, moves it to the lease, and gives it back when the lease runs out', async () => {
    await redis.zadd('streamscribe:test:due', 100, 'a', 200, 'b', 300, 'c');
    expect(await claim(250, 1000)).toEqual(['a', 'b']);
    expect(await redis.zscore('streamscribe:test:due', 'a')).toBe('1000');
    // Claimed: a second claimer at the same moment gets nothing of it.
    expect(await claim(250, 1000)).toEqual([]);
    expect(await claim(300, 1000, 1)).toEqual(['c']);
    // Nobody finished them: due again once the lease has passed.
    expect(await claim(1000, 2000)).toEqual(['a', 'b', 'c']);
    expect(await redis.zcard('streamscribe:test:due')).toBe(3);
  });
});
