import Redis from 'ioredis';
import { RedisHarness } from '@streamscribe/testing';
import { prunePresence, reapIdleConsumers, trimAcknowledged } from './stream-maintenance';

const STREAM = 'maintenance:stream';

describe('stream maintenance', () => {
  let harness: RedisHarness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    // Small radix-tree nodes, so the approximate trim (whole nodes only) shows on a few entries.
    await redis.config('SET', 'stream-node-max-entries', '4');
  });
  beforeEach(() => redis.flushdb());
  afterAll(async () => {
    await redis.config('SET', 'stream-node-max-entries', '100');
    redis.disconnect();
    await harness.close();
  });

  async function append(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await redis.xadd(STREAM, '*', 'n', String(i))) as string);
    return ids;
  }
  const read = async (group: string, consumer: string, count: number) =>
    (
      (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', STREAM, '>')) as [
        string,
        [string, string[]][],
      ][]
    )[0][1].map(([id]) => id);
  const remaining = async () => (await redis.xrange(STREAM, '-', '+')).map(([id]) => id);

  it('keeps every pending and every undelivered entry, and removes acknowledged ones', async () => {
    const ids = await append(20);
    await redis.xgroup('CREATE', STREAM, 'g1', '0');
    await redis.xgroup('CREATE', STREAM, 'g2', '0');
    const g1 = await read('g1', 'c1', 14); // 0..13 delivered to g1
    await redis.xack(STREAM, 'g1', ...g1.filter((id) => id !== ids[9])); // 9 still pending in g1
    const g2 = await read('g2', 'c2', 12); // 0..11 delivered to g2, all acked
    await redis.xack(STREAM, 'g2', ...g2);

    const removed = await trimAcknowledged(redis, STREAM);
    const left = await remaining();
    expect(removed).toBeGreaterThan(0);
    expect(left).toEqual(ids.slice(ids.length - left.length)); // only a prefix went
    expect(left).toContain(ids[9]); // pending in g1: the floor
    expect(left.length).toBe(20 - removed);
  });

  it('trims nothing below what a lagging group has not yet read', async () => {
    await append(12);
    await redis.xgroup('CREATE', STREAM, 'fast', '0');
    await redis.xgroup('CREATE', STREAM, 'idle', '0');
    await redis.xack(STREAM, 'fast', ...(await read('fast', 'c', 12)));
    expect(await trimAcknowledged(redis, STREAM)).toBe(0);
    expect(await redis.xlen(STREAM)).toBe(12);
  });

  it('leaves a stream no group reads alone, and trims one whose group acknowledged everything', async () => {
    await append(12);
    expect(await trimAcknowledged(redis, STREAM)).toBe(0);
    await redis.xgroup('CREATE', STREAM, 'g', '0');
    await redis.xack(STREAM, 'g', ...(await read('g', 'c', 12)));
    expect(await trimAcknowledged(redis, STREAM)).toBeGreaterThanOrEqual(8);
  });

  it('compares ids exactly: a pending entry with a sequence number above 2^53 is never trimmed', async () => {
    for (let seq = 1; seq <= 7; seq++) await redis.xadd(STREAM, `1-${seq}`, 'n', String(seq));
    const huge = '1-9007199254740995'; // 2^53 + 3: a Lua double would round it up
    await redis.xadd(STREAM, huge, 'n', 'huge');
    await redis.xadd(STREAM, '2-1', 'n', 'after');
    await redis.xgroup('CREATE', STREAM, 'g', '0');
    const delivered = await read('g', 'c', 10);
    await redis.xack(STREAM, 'g', ...delivered.filter((id) => id !== huge));
    await trimAcknowledged(redis, STREAM);
    expect(await remaining()).toContain(huge);
    expect((await redis.xpending(STREAM, 'g', '-', '+', 10)).map((row) => (row as string[])[0])).toEqual([
      huge,
    ]);
  });

  it('copes with the largest possible id as last delivered', async () => {
    await redis.xadd(STREAM, '5-1', 'n', '1');
    await redis.xadd(STREAM, '5-18446744073709551615', 'n', 'max');
    await redis.xgroup('CREATE', STREAM, 'g', '0');
    await redis.xack(STREAM, 'g', ...(await read('g', 'c', 10)));
    await expect(trimAcknowledged(redis, STREAM)).resolves.toBeGreaterThanOrEqual(0);
    expect(await remaining()).toContain('5-18446744073709551615');
  });

  it('reaps idle consumers that hold nothing, never one with pending entries', async () => {
    await append(5);
    await redis.xgroup('CREATE', STREAM, 'g', '0');
    await redis.xack(STREAM, 'g', ...(await read('g', 'gone-clean', 2)));
    await read('g', 'gone-holding', 2);
    // Idle times far apart (1 s against just now), so a loaded machine's pauses cannot blur them.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.xack(STREAM, 'g', ...(await read('g', 'alive', 1))); // read just now, holds nothing
    expect(await reapIdleConsumers(redis, STREAM, 'g', 500)).toEqual(['gone-clean']);
    const names = ((await redis.xinfo('CONSUMERS', STREAM, 'g')) as string[][]).map((c) => c[1]).sort();
    expect(names).toEqual(['alive', 'gone-holding']);
  });

  it('prunes heartbeats older than the reap time', async () => {
    await redis.zadd('presence', Date.now() - 10_000, 'old', Date.now(), 'new');
    expect(await prunePresence(redis, 'presence', 5000)).toBe(1);
    expect(await redis.zrange('presence', 0, -1)).toEqual(['new']);
  });
});
