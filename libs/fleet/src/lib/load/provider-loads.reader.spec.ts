import Redis from 'ioredis';
import { KeyScheme } from '@streamscribe/contracts';
import { RedisHarness } from '@streamscribe/testing';
import { readProviderLoads } from './provider-loads.reader';

describe('readProviderLoads and classic fleets', () => {
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

  const live = async (classicFleets: Parameters<typeof readProviderLoads>[2]) =>
    Object.fromEntries(
      (await readProviderLoads(redis, 10_000, classicFleets, new KeyScheme())).map((l) => [
        l.provider,
        l.liveConsumers,
      ]),
    );

  it('counts an idle classic fleet (no heartbeat, no consumer registered yet) as live only when named', async () => {
    // What the guide's consumer does at start: create the group, then block on XREADGROUP.
    await redis.xgroup('CREATE', 'audio:stream:whisper', 'whisper_workers', '0', 'MKSTREAM');
    expect(await live([])).toMatchObject({ whisper: 0, deepgram: 0 });
    expect(await live(['whisper'])).toMatchObject({ whisper: 1, deepgram: 0 });
  });

  it('counts the consumers the group has registered once they have been handed entries', async () => {
    await redis.xgroup('CREATE', 'audio:stream:whisper', 'whisper_workers', '0', 'MKSTREAM');
    for (const chunkId of ['c0', 'c1', 'c2'])
      await redis.xadd(
        'audio:stream:whisper',
        '*',
        'chunk_data',
        '00',
        'session_id',
        's',
        'chunk_id',
        chunkId,
      );
    for (const consumer of ['whisper-worker-1', 'whisper-worker-2', 'whisper-worker-3']) {
      await redis.xreadgroup(
        'GROUP',
        'whisper_workers',
        consumer,
        'COUNT',
        1,
        'STREAMS',
        'audio:stream:whisper',
        '>',
      );
    }
    expect(await live(['whisper'])).toMatchObject({ whisper: 3 });
    expect(await live([])).toMatchObject({ whisper: 0 });
  });
});
