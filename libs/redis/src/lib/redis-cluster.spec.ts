import type Redis from 'ioredis';
import { ClusterHarness, RedisHarness } from '@streamscribe/testing';
import { multiAcrossSlots, pipelineAcrossSlots } from './commands-across-slots';
import { readEvictionVerdict } from './eviction-policy.check';
import { createRedisConnection, isClusterClient } from './redis-connection';
import { SINGLE_REDIS } from './redis-topology';
import pino from 'pino';

jest.setTimeout(90_000);

const logger = pino({ level: 'silent' });
/** Keys whose names hash to different slots (no shared `{tag}`). */
const SCATTERED = ['streamscribe:provider:deepgram:health', 'streamscribe:provider:whisper:health', 'a', 'b'];

describe('what acts per slot and per node, on a real Redis Cluster (3 primaries, 3 replicas)', () => {
  let cluster: ClusterHarness;
  let client: Redis;

  beforeAll(async () => {
    cluster = await ClusterHarness.start();
    client = createRedisConnection(cluster.url, {
      name: 'spec',
      logger,
      tls: undefined,
      topology: { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: Number(new URL(cluster.url).port) }] },
    });
  });
  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('is a Cluster client, and a plain pipeline across slots is refused', async () => {
    expect(isClusterClient(client)).toBe(true);
    const pipeline = client.pipeline();
    for (const key of SCATTERED) pipeline.get(key);
    await expect(pipeline.exec()).rejects.toThrow(/same slot/);
  });

  it('pipelineAcrossSlots answers every command in order, errors in place', async () => {
    const pipeline = pipelineAcrossSlots(client);
    for (const [i, key] of SCATTERED.entries()) pipeline.set(key, String(i));
    pipeline.hget(SCATTERED[0], 'field'); // WRONGTYPE: a string
    for (const key of SCATTERED) pipeline.get(key);
    const replies = (await pipeline.exec()) ?? [];
    expect(replies.slice(0, 4)).toEqual(SCATTERED.map(() => [null, 'OK']));
    expect(replies[4][0]?.message).toMatch(/WRONGTYPE/);
    expect(replies.slice(5)).toEqual(SCATTERED.map((_, i) => [null, String(i)]));
  });

  it('multiAcrossSlots writes across slots in order', async () => {
    const replies =
      (await multiAcrossSlots(client).hset('rec:1', { a: '1' }).sadd('index', '1').exec()) ?? [];
    expect(replies).toEqual([
      [null, 1],
      [null, 1],
    ]);
    expect(await client.smembers('index')).toEqual(['1']);
  });

  it('the eviction check asks every primary and reports the worst policy', async () => {
    expect(await readEvictionVerdict(client)).toEqual({ kind: 'safe', policy: 'noeviction' });
    const [, second] = (await cluster.nodes()).filter((node) => node.role === 'primary');
    const node = cluster.nodeClient(second);
    try {
      await node.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await readEvictionVerdict(client)).toEqual({ kind: 'evicts-streams', policy: 'allkeys-lru' });
    } finally {
      node.disconnect();
    }
  });
});

describe('on one server the same helpers are a plain pipeline and a MULTI', () => {
  it('keeps MULTI atomic (one EXEC reply) and the pipeline one round trip', async () => {
    const harness = await RedisHarness.start({ ownServer: true });
    const client = createRedisConnection(harness.url, {
      name: 'spec',
      logger,
      tls: undefined,
      topology: SINGLE_REDIS,
    });
    try {
      expect(isClusterClient(client)).toBe(false);
      const multi = multiAcrossSlots(client);
      expect(multi.constructor.name).toBe('Pipeline');
      expect(await multi.set('a', '1').incr('a').exec()).toEqual([
        [null, 'OK'],
        [null, 2],
      ]);
      expect(await pipelineAcrossSlots(client).get('a').exec()).toEqual([[null, '2']]);
    } finally {
      client.disconnect();
      await harness.close();
    }
  });
});
