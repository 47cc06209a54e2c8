import Redis from 'ioredis';
import { SessionRef, TranscriptionResultEntry, keySchemeFrom } from '@streamscribe/contracts';
import { RedisHarness, redisCommandCalls } from '@streamscribe/testing';
import { readProviderCostTotals, readTenantCostTotals } from './cost-totals';
import { ResultStore } from './result-store';
import {
  RESULT_ARGS,
  RESULT_CALL_ARGS,
  RESULT_KEYS,
  writeResultsScript,
} from './scripts/write-results.script';
import { costMonth } from './session-lifetimes';
import { DEFAULT_SESSIONS_OPTIONS } from './sessions-options';

const keys = keySchemeFrom({ REDIS_PARTITIONS: '4' });

const result = (
  chunkId: string,
  extra: Partial<TranscriptionResultEntry> = {},
): TranscriptionResultEntry => ({
  sessionId: 'ignored',
  chunkId,
  seq: Number(chunkId.slice(1)),
  status: 'ok',
  text: `text of ${chunkId}`,
  confidence: 1,
  provider: 'deepgram',
  processingTime: 0,
  timestamp: Date.now() / 1000,
  words: [],
  ...extra,
});

/** Sessions of one tenant on two different partitions. */
function sessionsOnTwoPartitions(): [SessionRef, SessionRef] {
  const first = keys.session('acme', 's-0');
  for (let i = 1; ; i++) {
    const other = keys.session('acme', `s-${i}`);
    if (other.partition !== first.partition) return [first, other];
  }
}

describe('ResultStore: the results of one turn in one Lua call per partition, on a real redis-server', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let store: ResultStore;
  const [one, other] = sessionsOnTwoPartitions();
  const scriptCalls = () => redisCommandCalls(redis, ['eval', 'evalsha']);

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    store = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
  });
  beforeEach(() => redis.flushdb());
  afterAll(async () => {
    redis.disconnect();
    await harness.stop();
  });

  it('writes a turn of results in one call per partition, with the outcomes of writing them one by one', async () => {
    await store.write(one, result('c9')); // unpriced; puts the script in Redis' cache first (NOSCRIPT, then EVAL)
    const before = await scriptCalls();
    const writes = await Promise.all([
      store.write(one, result('c0', { costUsd: 0.001, durationSeconds: 1 })),
      store.write(one, result('c1', { costUsd: 0.002, durationSeconds: 2 })),
      store.write(other, result('c0', { costUsd: 0.004, durationSeconds: 4 })),
      // The same chunk again in the same turn: a duplicate of the first, counted once.
      store.write(one, result('c0', { costUsd: 0.001, durationSeconds: 1 })),
      // A failed chunk, then its "ok" in the same turn: superseded, and only the "ok" is priced.
      store.write(one, result('c2', { status: 'failed', text: '' })),
      store.write(one, result('c2', { costUsd: 0.008, durationSeconds: 8 })),
    ]);
    expect((await scriptCalls()) - before).toBe(2);
    expect(writes.map((w) => [w.created, w.superseded])).toEqual([
      [true, false],
      [true, false],
      [true, false],
      [false, false],
      [true, false],
      [true, true],
    ]);
    expect(writes[3].entryId).toBe(writes[0].entryId);

    const indexed = await redis.hgetall(keys.sessionResultIndexKey(one));
    expect(indexed).toEqual({
      c9: expect.stringMatching(/\|ok$/),
      c0: `${writes[0].entryId}|ok`,
      c1: `${writes[1].entryId}|ok`,
      c2: `${writes[5].entryId}|ok`,
    });
    expect(await redis.xlen(keys.sessionResultsStream(one))).toBe(5);
    expect(await redis.xlen(keys.allResultsStream(one.partition))).toBe(5);
    expect(await redis.scard(keys.sessionTrailKey(one))).toBe(5);

    const sessionCost = await redis.hgetall(keys.sessionCostKey(one));
    expect(sessionCost).toEqual({
      'deepgram:micros': '11000',
      'deepgram:audio_ms': '11000',
      'deepgram:chunks': '3',
      total_micros: '11000',
    });
    const month = costMonth(Date.now());
    // Both partitions' provider totals: 3 chunks on one, 1 on the other.
    expect((await readProviderCostTotals(redis, keys)).byProvider.deepgram).toEqual({
      usd: 0.015,
      audioSeconds: 15,
      chunks: 4,
    });
    expect((await readTenantCostTotals(redis, keys, 'acme', month)).totalUsd).toBeCloseTo(0.015, 9);
    for (const key of [
      keys.sessionResultIndexKey(one),
      keys.sessionResultsStream(one),
      keys.sessionCostKey(one),
      keys.tenantCostKey('acme', month, one.partition),
      keys.sessionTrailKey(one),
    ])
      expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect(
      await redis.zscore(keys.sessionIndexKey(one.partition), keys.sessionIndexMember(one)),
    ).not.toBeNull();
  });

  it('answers a later turn from what the earlier one wrote', async () => {
    const first = await store.write(one, result('c0', { costUsd: 0.001 }));
    const again = await store.write(one, result('c0', { costUsd: 0.001 }));
    expect(again).toEqual({ created: false, superseded: false, entryId: first.entryId });
    expect((await redis.hgetall(keys.sessionCostKey(one)))['deepgram:chunks']).toBe('1');
  });

  it('refuses a result with a cost that is no integer, and writes the rest of its batch', async () => {
    const entry = (chunkId: string, costMicros: string) => ({
      keys: RESULT_KEYS.map((name) =>
        name === 'index'
          ? keys.sessionResultIndexKey(one)
          : name === 'sessionResults'
            ? keys.sessionResultsStream(one)
            : `${name}:{${one.partition}}`,
      ),
      args: [
        ...RESULT_ARGS.map((name) =>
          name === 'chunkId' ? chunkId : name === 'costMicros' ? costMicros : name === 'audioMs' ? '' : '60',
        ),
        2,
        'chunk_id',
        chunkId,
      ],
    });
    const replies = await writeResultsScript.run(
      redis,
      [...entry('bad', '1.5').keys, ...entry('good', '7').keys],
      [...RESULT_CALL_ARGS.map(() => 60), ...entry('bad', '1.5').args, ...entry('good', '7').args],
    );
    expect(replies[0]).toEqual({ status: 'invalid', reason: expect.stringContaining('must be integers') });
    expect(replies[1]).toEqual({ status: 'created', entryId: expect.stringMatching(/^\d+-\d+$/) });
    expect(await redis.hkeys(keys.sessionResultIndexKey(one))).toEqual(['good']);
  });

  it('refuses a result alone when Redis refuses its writes: the rest of the call keep their costs and TTLs', async () => {
    // Another session of the same partition (so the same call) whose result index is no hash.
    let broken = keys.session('acme', 'broken-0');
    for (let i = 1; broken.partition !== one.partition; i++) broken = keys.session('acme', `broken-${i}`);
    await redis.set(keys.sessionResultIndexKey(broken), 'not a hash');
    await store.write(one, result('c9')); // the script in Redis' cache first
    const before = await scriptCalls();
    const writes = await Promise.allSettled([
      store.write(one, result('c0', { costUsd: 0.001, durationSeconds: 1 })),
      store.write(broken, result('c1', { costUsd: 0.002, durationSeconds: 2 })),
      // Finite, but past what a counter holds exactly: refused before anything of it is written.
      store.write(one, result('c2', { costUsd: 1e294, durationSeconds: 3 })),
      store.write(one, result('c3', { costUsd: 0.004, durationSeconds: 4 })),
    ]);
    expect((await scriptCalls()) - before).toBe(1);
    expect(writes.map((w) => (w.status === 'fulfilled' ? 'created' : String(w.reason)))).toEqual([
      'created',
      expect.stringContaining('WRONGTYPE'),
      expect.stringContaining('must be integers'),
      'created',
    ]);
    expect(await redis.hkeys(keys.sessionResultIndexKey(one))).toEqual(['c9', 'c0', 'c3']);
    expect(await redis.hgetall(keys.sessionCostKey(one))).toEqual({
      'deepgram:micros': '5000',
      'deepgram:audio_ms': '5000',
      'deepgram:chunks': '2',
      total_micros: '5000',
    });
    expect(await redis.ttl(keys.sessionCostKey(one))).toBeGreaterThan(0);
    expect(await redis.ttl(keys.sessionResultIndexKey(one))).toBeGreaterThan(0);
  });

  it('writes on after Redis lost its script cache (a restart, a failover)', async () => {
    await store.write(one, result('c0'));
    await redis.script('FLUSH');
    expect((await store.write(one, result('c1'))).created).toBe(true);
    expect(await redis.hkeys(keys.sessionResultIndexKey(one))).toEqual(['c0', 'c1']);
  });

  it('rejects each write whose keys Redis refuses (the session stream is no stream), and the next turn writes again', async () => {
    await redis.set(keys.sessionResultsStream(one), 'not a stream');
    const refused = await Promise.allSettled([
      store.write(one, result('c0')),
      store.write(one, result('c1')),
    ]);
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await redis.del(keys.sessionResultsStream(one));
    expect((await store.write(one, result('c0'))).created).toBe(true);
  });
});
