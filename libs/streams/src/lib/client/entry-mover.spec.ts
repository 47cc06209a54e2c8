import Redis from 'ioredis';
import { RedisHarness } from '@streamscribe/testing';
import { moveEntry } from './entry-mover';

describe('moveEntry', () => {
  let harness: RedisHarness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  beforeEach(() => redis.flushdb());
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  const held = async (consumer: string) => {
    const id = (await redis.xadd('src', '*', 'chunk_id', 'c1')) as string;
    await redis.xgroup('CREATE', 'src', 'g', '0');
    await redis.xreadgroup('GROUP', 'g', consumer, 'COUNT', 1, 'STREAMS', 'src', '>');
    return id;
  };
  const move = (id: string, consumer?: string) =>
    moveEntry(redis, {
      source: { stream: 'src', group: 'g', id, consumer },
      target: { stream: 'dst' },
      fields: ['chunk_id', 'c1'],
    });

  it('acks the entry and appends its successor in one step', async () => {
    const id = await held('a');
    expect(await move(id, 'a')).toMatch(/^\d+-\d+$/);
    expect(((await redis.xpending('src', 'g')) as [number])[0]).toBe(0);
    expect(await redis.xlen('dst')).toBe(1);
  });

  it('moves nothing when a peer reclaimed the entry: the old owner lost its lease', async () => {
    const id = await held('a');
    await redis.xautoclaim('src', 'g', 'b', 0, '0-0', 'JUSTID');
    expect(await move(id, 'a')).toBeUndefined();
    expect(((await redis.xpending('src', 'g')) as [number])[0]).toBe(1); // still b's
    expect(await redis.xlen('dst')).toBe(0);
  });

  it('moves nothing when the entry is no longer pending', async () => {
    const id = await held('a');
    await redis.xack('src', 'g', id);
    expect(await move(id)).toBeUndefined();
    expect(await redis.xlen('dst')).toBe(0);
  });
});
