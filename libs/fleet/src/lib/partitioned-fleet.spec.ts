import Redis from 'ioredis';
import {
  DEFAULT_TENANT,
  encodeChunkEntry,
  keySchemeFrom,
  newChunkEntry,
  providerGroup,
  providerHeartbeatKey,
} from '@streamscribe/contracts';
import { STREAM_METRICS, createLogger, metricsRegistry } from '@streamscribe/observability';
import { RedisHarness, parsePrometheusText, speechWav } from '@streamscribe/testing';
import { AmbiguousDeadLetterId, DeadLetterStore } from './dead-letters/dead-letter-store';
import { readProviderLoads } from './load/provider-loads.reader';
import { StreamLagCollector } from './load/stream-lag.collector';
import { providerFleets } from './load/stream-stats.reader';

/** What the apps build from REDIS_PARTITIONS=4 on one redis-server. */
const keys = keySchemeFrom({ REDIS_PARTITIONS: '4' });
const DEEPGRAM_GROUP = providerGroup('deepgram');

/** A session id of the default tenant that is pinned to partition k. */
function sessionIn(k: number, prefix = 's'): string {
  for (let i = 0; ; i++) if (keys.partitionOf(DEFAULT_TENANT, `${prefix}${i}`) === k) return `${prefix}${i}`;
}

describe('fleet views with REDIS_PARTITIONS=4, on one real redis-server', () => {
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

  /** Partition k of deepgram's stream with a group, `queued` entries waiting and `taken` delivered. */
  async function backlog(k: number, queued: number, taken: number): Promise<void> {
    const stream = keys.providerStream('deepgram', k);
    await redis.xgroup('CREATE', stream, DEEPGRAM_GROUP, '0', 'MKSTREAM');
    for (let i = 0; i < queued + taken; i++) await redis.xadd(stream, '*', 'chunk_id', `c${i}`);
    if (taken > 0)
      await redis.xreadgroup('GROUP', DEEPGRAM_GROUP, 'deepgram-1', 'COUNT', taken, 'STREAMS', stream, '>');
  }

  it("sums a provider's lag and pending over its partitions, and counts its workers once", async () => {
    await backlog(0, 5, 1);
    await backlog(1, 0, 0);
    await backlog(2, 7, 2);
    await backlog(3, 1, 0);
    await redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'deepgram-1');
    const loads = await readProviderLoads(redis, 10_000, [], keys);
    expect(loads.find((l) => l.provider === 'deepgram')).toEqual({
      provider: 'deepgram',
      lag: 13,
      pending: 3,
      liveConsumers: 1,
    });
    // A classic fleet (no heartbeat) is as many consumers as the largest partition's group.
    const classic = await readProviderLoads(redis, 10_000, ['deepgram'], keys);
    expect(classic.find((l) => l.provider === 'deepgram')?.liveConsumers).toBe(1);
  });

  it('exports one lag series per partition, with a partition label, that add up to the fleet lag', async () => {
    await backlog(0, 2, 0);
    await backlog(1, 3, 1);
    await backlog(2, 0, 0);
    await backlog(3, 4, 0);
    const collector = new StreamLagCollector(redis, {
      groups: providerFleets(['deepgram'], keys),
      livenessMs: 10_000,
      timeoutMs: 2000,
      logger: createLogger('test'),
    });
    collector.start();
    try {
      const metrics = parsePrometheusText(await metricsRegistry.metrics());
      const lag = metrics.samples.filter((s) => s.name === STREAM_METRICS.lag);
      expect(lag.map((s) => [s.labels['partition'], s.labels['stream'], s.value]).sort()).toEqual(
        keys.allPartitions().map((k) => [String(k), keys.providerStream('deepgram', k), [2, 3, 0, 4][k]]),
      );
      expect(lag.every((s) => s.labels['provider'] === 'deepgram')).toBe(true);
      const pending = metrics.samples.filter((s) => s.name === STREAM_METRICS.pending);
      expect(pending.reduce((sum, s) => sum + s.value, 0)).toBe(1);
    } finally {
      collector.stop();
    }
  });

  describe('dead letters', () => {
    const store = () => new DeadLetterStore(redis, keys, undefined, { livenessMs: 10_000 });

    /** A dead letter on partition k; `id` sets its entry id (default: Redis picks one). */
    async function letter(k: number, chunkId: string, id = '*', tenant?: string): Promise<string> {
      const sessionId = sessionIn(k);
      const fields = encodeChunkEntry({
        ...newChunkEntry({
          tenant,
          sessionId,
          chunkId,
          seq: 0,
          audio: speechWav('hello'),
          audioFormat: 'wav',
          hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
          fallbackProviders: [],
        }),
        attemptedProviders: ['deepgram'],
        originalProvider: 'deepgram',
        errorHistory: 'deepgram:401',
      });
      return (await redis.xadd(
        keys.deadLetterStream(k),
        id,
        ...fields,
        'dead_letter_reason',
        'chain exhausted',
        'source_stream',
        keys.providerStream('deepgram', k),
        'source_entry_id',
        '1-1',
        'failed_provider',
        'deepgram',
        'dead_lettered_at',
        String(Date.now()),
      )) as string;
    }

    it('lists the letters of every partition, oldest first, in pages, with the total of all', async () => {
      const ids = [];
      // Distinct entry ids (letters sharing one across partitions: the next tests). A letter's id
      // names its partition, since there is more than one.
      for (const k of [2, 0, 3, 1, 2]) {
        const entryId = await letter(k, `c${ids.length}`, `${10 + ids.length}-0`);
        ids.push(`${entryId}@${k}`);
      }
      const first = await store().list({ count: 3 });
      expect(first.letters.map((l) => l.id)).toEqual(ids.slice(0, 3));
      expect(first.letters.map((l) => l.partition)).toEqual([2, 0, 3]);
      expect(first.total).toBe(5);
      const second = await store().list({ count: 3, after: first.next });
      expect(second.letters.map((l) => l.id)).toEqual(ids.slice(3));
      expect(second.next).toBeUndefined();
      // A letter's own id is a valid `after` too.
      const fromId = await store().list({ count: 3, after: first.letters[2].id });
      expect(fromId.letters.map((l) => l.id)).toEqual(ids.slice(3));
      expect((await store().get(ids[3]))?.chunkId).toBe('c3');
      // The entry id alone finds it too, when no other partition has that entry id.
      expect((await store().get('13-0'))?.chunkId).toBe('c3');
      // The right entry id on the wrong partition is no letter.
      expect(await store().get('13-0@2')).toBeUndefined();
    });

    it('never ends a page between letters of two partitions that share an entry id', async () => {
      // Entry ids are per stream: the same millisecond on two partitions gives the same id.
      for (const k of keys.allPartitions()) await redis.del(keys.deadLetterStream(k));
      await letter(0, 'a', '5-0');
      await letter(1, 'b', '5-0');
      await letter(2, 'c', '6-0');
      const first = await store().list({ count: 1 });
      expect(first.letters.map((l) => l.chunkId).sort()).toEqual(['a', 'b']);
      expect(first.next).toBe('5-0');
      const second = await store().list({ count: 1, after: first.next });
      expect(second.letters.map((l) => l.chunkId)).toEqual(['c']);
    });

    it('tells letters that share an entry id apart by partition, and refuses to guess between them', async () => {
      for (const k of keys.allPartitions()) await redis.del(keys.deadLetterStream(k));
      await letter(0, 'a', '5-0');
      await letter(1, 'b', '5-0');
      const { letters } = await store().list();
      expect(letters.map((l) => [l.id, l.chunkId])).toEqual([
        ['5-0@0', 'a'],
        ['5-0@1', 'b'],
      ]);
      expect((await store().get('5-0@1'))?.chunkId).toBe('b');
      await expect(store().get('5-0')).rejects.toThrow(AmbiguousDeadLetterId);
      await expect(store().get('5-0')).rejects.toThrow(/name one, 5-0@0 or 5-0@1/);

      // A re-drive by the bare entry id moves neither; by its qualified id, exactly that one.
      await redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'deepgram-1');
      for (const k of [0, 1])
        await redis.xgroup('CREATE', keys.providerStream('deepgram', k), DEEPGRAM_GROUP, '0', 'MKSTREAM');
      const [ambiguous] = await store().redrive(['5-0']);
      expect(ambiguous).toEqual(expect.objectContaining({ id: '5-0', status: 'ambiguous' }));
      expect(await redis.xlen(keys.deadLetterStream(0))).toBe(1);
      expect(await redis.xlen(keys.deadLetterStream(1))).toBe(1);
      expect(await store().redrive(['5-0@1'])).toEqual([
        expect.objectContaining({ id: '5-0@1', status: 'requeued', provider: 'deepgram' }),
      ]);
      expect(await redis.xlen(keys.deadLetterStream(0))).toBe(1);
      expect(await redis.xlen(keys.deadLetterStream(1))).toBe(0);
      expect(await redis.xlen(keys.providerStream('deepgram', 1))).toBe(1);
      expect(await redis.exists(keys.providerStream('deepgram', 0))).toBe(1);
      expect(await redis.xlen(keys.providerStream('deepgram', 0))).toBe(0);
      // Now only one letter has that entry id: the bare id is no longer ambiguous.
      expect((await store().get('5-0'))?.chunkId).toBe('a');
      for (const k of [0, 1]) await redis.del(keys.providerStream('deepgram', k));
    });

    it("weighs only the tenant's own letters when it looks an entry id up", async () => {
      for (const k of keys.allPartitions()) await redis.del(keys.deadLetterStream(k));
      await letter(0, 'a', '7-0');
      await letter(1, 'b', '7-0', 'acme');
      // acme has one letter of that entry id: found, without learning of the other tenant's.
      expect((await store().get('7-0', 'acme'))?.chunkId).toBe('b');
      expect((await store().get('7-0', 'default'))?.chunkId).toBe('a');
      await expect(store().get('7-0')).rejects.toThrow(AmbiguousDeadLetterId);
    });

    it("lists a tenant's letters past the first hundred of a partition (the scan pages by entry id)", async () => {
      for (const k of keys.allPartitions()) await redis.del(keys.deadLetterStream(k));
      // 150 of another tenant's letters first: the tenant's own come after the scan's first page.
      for (let i = 0; i < 150; i++) await letter(1, `other-${i}`, `${100 + i}-0`);
      await letter(1, 'mine', '300-0', 'acme');
      const { letters, next } = await store().list({ tenant: 'acme' });
      expect(letters.map((l) => [l.id, l.chunkId])).toEqual([['300-0@1', 'mine']]);
      expect(next).toBeUndefined();
    });

    it("re-drives a letter to its own partition, and checks that partition's group", async () => {
      const inTwo = await letter(2, 'c0');
      const inOne = await letter(1, 'c1');
      await redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'deepgram-1');
      // Only partition 1 has the fleet's group: the letter of partition 2 must stay.
      await redis.xgroup('CREATE', keys.providerStream('deepgram', 1), DEEPGRAM_GROUP, '0', 'MKSTREAM');
      const outcomes = await store().redriveAll();
      expect(outcomes.map((o) => [o.id, o.status])).toEqual([
        [`${inOne}@1`, 'requeued'],
        [`${inTwo}@2`, 'no_consumer_group'],
      ]);
      expect(await redis.xlen(keys.providerStream('deepgram', 1))).toBe(1);
      expect(await redis.xlen(keys.deadLetterStream(1))).toBe(0);
      expect(await redis.xlen(keys.deadLetterStream(2))).toBe(1);

      await redis.xgroup('CREATE', keys.providerStream('deepgram', 2), DEEPGRAM_GROUP, '0', 'MKSTREAM');
      expect(await store().redrive([inTwo])).toEqual([expect.objectContaining({ status: 'requeued' })]);
      const [[, fields]] = await redis.xrange(keys.providerStream('deepgram', 2), '-', '+');
      expect(fields[fields.indexOf('session_id') + 1]).toBe(sessionIn(2));
      for (const k of [0, 3]) expect(await redis.exists(keys.providerStream('deepgram', k))).toBe(0);
    });
  });
});
