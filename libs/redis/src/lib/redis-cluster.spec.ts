import type Redis from 'ioredis';
import { ClusterHarness, RedisHarness } from '@streamscribe/testing';
import { multiAcrossSlots, pipelineAcrossSlots } from './commands-across-slots';
import { readEvictionVerdict } from './eviction-policy.check';
import { createRedisConnection, isClusterClient } from './redis-connection';
import { SINGLE_REDIS } from './redis-topology';
import { NotReplicatedError, ReplicaDurability } from './replica-durability';
import { VariadicKeysScript } from './redis-script';
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

  const slotOf = async (key: string) => Number(await client.call('CLUSTER', 'KEYSLOT', key));

  /** A second client of the cluster, auto-pipelined as the apps' router and result connections are. */
  function autoPipelinedClient(name: string): Redis {
    return createRedisConnection(cluster.url, {
      name,
      logger,
      tls: undefined,
      autoPipelining: true,
      topology: { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: Number(new URL(cluster.url).port) }] },
    });
  }

  it('routes a variadic-keys script by its first key, beside other auto-pipelined commands of the turn', async () => {
    const piped = autoPipelinedClient('spec-variadic');
    const setAll = new VariadicKeysScript({
      name: 'ssSpecSetAll',
      lua: `for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1]) end return #KEYS`,
      decode: Number,
    });
    try {
      // Tags on every primary (the slots of {0}..{8} spread over the 3), two keys each, in one
      // turn with plain commands on scattered keys: every call must reach its own slot's primary.
      const tags = Array.from({ length: 9 }, (_, k) => `{${k}}`);
      const written = await Promise.all([
        ...tags.map((tag) => setAll.run(piped, [`${tag}:a`, `${tag}:b`], [tag])),
        ...SCATTERED.map((key) => piped.set(key, 'x')),
      ]);
      expect(written.slice(0, tags.length)).toEqual(tags.map(() => 2));
      for (const tag of tags) expect(await client.mget(`${tag}:a`, `${tag}:b`)).toEqual([tag, tag]);
    } finally {
      piped.disconnect();
    }
  });

  it('a slot moved under an auto-pipeline that partly ran is followed within the periodic slot refresh', async () => {
    const piped = autoPipelinedClient('spec-piped');
    try {
      // Two keys served by one primary, in different slots: auto-pipelined together, in one pipeline.
      const moving = 'slot-moves';
      const from = await cluster.primaryFor(moving);
      const slot = await slotOf(moving);
      let staying = '';
      for (let i = 0; !staying; i++)
        if ((await cluster.primaryFor(`stays-${i}`)).id === from.id && (await slotOf(`stays-${i}`)) !== slot)
          staying = `stays-${i}`;
      await Promise.all([piped.set(moving, '0'), piped.set(staying, '0')]); // the client learns the map
      await piped.del(moving);

      // Move the (now empty) slot to another primary behind the client's back.
      const to = (await cluster.nodes()).find((n) => n.role === 'primary' && !n.failed && n.id !== from.id);
      if (!to) throw new Error('no other live primary');
      const [source, target] = [cluster.nodeClient(from), cluster.nodeClient(to)];
      try {
        await target.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', from.id);
        await source.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id);
        await target.call('CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
        await source.call('CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
      } finally {
        source.disconnect();
        target.disconnect();
      }

      // Written together, the pipeline partly runs (staying) and partly gets MOVED (moving), which
      // ioredis does not follow; the client's periodic refresh (5 s) learns the new owner.
      const writeBoth = () =>
        Promise.allSettled([piped.set(moving, '1'), piped.set(staying, '1')]).then((outcomes) =>
          outcomes.every((outcome) => outcome.status === 'fulfilled'),
        );
      let tries = 0;
      while (!(await writeBoth())) {
        expect(++tries).toBeLessThan(60); // 12 s: past the 5 s refresh, with room for a loaded machine
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await cluster.primaryFor(moving)).toMatchObject({ id: to.id });
      expect(await client.get(moving)).toBe('1');
    } finally {
      piped.disconnect();
    }
  });

  // Last: it leaves one primary dead.
  it("REDIS_DURABILITY=replica refuses before writing while the slot's promoted primary has no replica", async () => {
    const durability = ReplicaDurability.from(
      { REDIS_DURABILITY: 'replica', REDIS_WAIT_REPLICAS: 1, REDIS_WAIT_TIMEOUT_MS: 1000 },
      client,
    ) as ReplicaDurability;
    const key = '{7}durable';
    const write = (value: string) => durability.exec(client.pipeline().set(key, value), 'spec');
    // The readings come in the background; with every replica in sync the write is confirmed.
    await expect(write('before')).resolves.toEqual([[null, 'OK']]);
    await cluster.killPrimary(await cluster.primaryFor(key));
    await cluster.waitForFailover(60_000);
    // Until the client has the new slot map (a single command's MOVED refreshes it; a pipeline's
    // failure does not) and a reading of the promoted primary, writes fail otherwise (the dead
    // node, or WAIT's timeout); then they are refused unsent.
    let refused: { error: unknown; value: string } | undefined;
    for (let attempt = 0; attempt < 100 && !refused; attempt++) {
      await client.get(key).catch(() => undefined);
      const value = `after-${attempt}`;
      const error = await write(value).catch((e: unknown) => e);
      if (error instanceof NotReplicatedError && error.report.written === false) refused = { error, value };
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(refused?.error).toBeInstanceOf(NotReplicatedError);
    expect((refused?.error as NotReplicatedError).report).toEqual({ replicas: 0, wanted: 1, written: false });
    // Earlier attempts may have been written and not confirmed (WAIT timed out); the refused one was not sent.
    expect(await client.get(key)).not.toBe(refused?.value);
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
