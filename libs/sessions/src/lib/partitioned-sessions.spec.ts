import Redis from 'ioredis';
import { DEFAULT_TENANT, PROVIDERS, SessionRef, keySchemeFrom, newChunkEntry } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { RedisHarness } from '@streamscribe/testing';
import { ChunkIngestor } from './chunk-ingestor';
import { readProviderCostTotals, readTenantCostTotals } from './cost-totals';
import { ResultStore } from './result-store';
import { ResultWatcher } from './result-watcher';
import { costMonth } from './session-lifetimes';
import { SessionRetentionSweep, fixedRetention } from './session-retention';
import { DEFAULT_SESSIONS_OPTIONS } from './sessions-options';
import { TranscriptReader } from './transcript-reader';

/** What the apps build from REDIS_PARTITIONS=4 on one redis-server. */
const keys = keySchemeFrom({ REDIS_PARTITIONS: '4' });
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };

const chunk = (sessionId: string) =>
  newChunkEntry({
    sessionId,
    chunkId: 'c1',
    seq: 0,
    audio: Buffer.from('AUDIO-OF-' + sessionId),
    audioFormat: 'unknown',
    hints,
    fallbackProviders: [],
  });
const result = (sessionId: string, costUsd: number) => ({
  sessionId,
  chunkId: 'c1',
  seq: 0,
  status: 'ok' as const,
  text: 'TEXT-OF-' + sessionId,
  confidence: 1,
  provider: 'deepgram',
  processingTime: 0,
  timestamp: Date.now() / 1000,
  words: [],
  costUsd,
});

/** One session per partition, found by trying ids: partitionOf is a hash, not a choice. */
function onePerPartition(tenant: string, prefix: string): SessionRef[] {
  const found = new Map<number, SessionRef>();
  for (let i = 0; found.size < keys.partitions; i++) {
    const ref = keys.session(tenant, `${prefix}-${i}`);
    if (!found.has(ref.partition)) found.set(ref.partition, ref);
  }
  return [...found.values()].sort((a, b) => a.partition - b.partition);
}

describe('sessions with REDIS_PARTITIONS=4, on one real redis-server', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let ingestor: ChunkIngestor;
  let results: ResultStore;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    ingestor = new ChunkIngestor(redis, DEFAULT_SESSIONS_OPTIONS, keys);
    results = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
  });
  beforeEach(() => redis.flushdb());
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('spreads 1000 sessions over every partition, and every key a session writes carries its tag', async () => {
    const sessions = Array.from({ length: 1000 }, (_, i) =>
      keys.session(i % 3 ? DEFAULT_TENANT : 'acme', `s${i}`),
    );
    const perPartition = keys.allPartitions().map((k) => sessions.filter((s) => s.partition === k).length);
    // A hash of 1000 ids: each partition gets a fair share, far from all or nothing.
    for (const count of perPartition) expect(count).toBeGreaterThan(150);
    // Stable: the same session always lands on the same partition.
    expect(sessions.map((s) => keys.partitionOf(s.tenant, s.sessionId))).toEqual(
      sessions.map((s) => s.partition),
    );

    const sample = sessions.slice(0, 200);
    await ingestor.ingestMany(
      sample.map((session) => ({ session, provider: 'deepgram', chunk: chunk(session.sessionId) })),
    );
    for (const session of sample) await results.write(session, result(session.sessionId, 0.001));

    for (const session of sample) {
      const written = (await redis.keys(`*${session.sessionId}*`)).filter((key) =>
        new RegExp(`[:{]${session.sessionId}(:|$)`).test(key),
      );
      expect(written.length).toBeGreaterThan(0);
      for (const key of written) expect(key).toContain(`{${session.partition}}`);
    }
    // Its audio went to its own partition of the provider stream, nowhere else.
    for (const k of keys.allPartitions()) {
      const queued = (await redis.xrange(keys.providerStream('deepgram', k), '-', '+')).map(
        ([, fields]) => fields[fields.indexOf('session_id') + 1],
      );
      expect(queued.sort()).toEqual(
        sample
          .filter((s) => s.partition === k)
          .map((s) => s.sessionId)
          .sort(),
      );
    }
    // Untagged names are gone: nothing classic is written with partitions on.
    expect(
      await redis.exists(...PROVIDERS.map((p) => `audio:stream:${p}`), 'transcription:results:all'),
    ).toBe(0);
  });

  it('merges the results feed of every partition: the watcher wakes waiters of sessions on each one', async () => {
    const watcher = new ResultWatcher(harness.client(), createLogger('test'), keys, 200);
    try {
      const sessions = onePerPartition(DEFAULT_TENANT, 'feed');
      // The feed's ends are known: whatever is written from here on wakes its waiters.
      await watcher.ready();
      const woken: string[] = [];
      const waits = sessions.map((s) => watcher.waitForResult(s, 60_000).then(() => woken.push(s.sessionId)));
      for (const session of sessions) await results.write(session, result(session.sessionId, 0));
      await Promise.all(waits);
      expect(woken.sort()).toEqual(sessions.map((s) => s.sessionId).sort());
      for (const session of sessions)
        expect(await redis.xlen(keys.allResultsStream(session.partition))).toBe(1);
    } finally {
      await watcher.close();
    }
  });

  it('sums provider and tenant costs over every partition', async () => {
    const sessions = onePerPartition('acme', 'cost');
    for (const [i, session] of sessions.entries()) {
      await ingestor.ingest({ session, provider: 'deepgram', chunk: chunk(session.sessionId) });
      await results.write(session, result(session.sessionId, 0.25 * (i + 1)));
    }
    for (const k of keys.allPartitions()) expect(await redis.exists(keys.providerCostKey(k))).toBe(1);
    const providers = await readProviderCostTotals(redis, keys);
    expect(providers.totalUsd).toBeCloseTo(0.25 + 0.5 + 0.75 + 1, 6);
    expect(providers.byProvider['deepgram']).toMatchObject({ chunks: 4 });
    const tenant = await readTenantCostTotals(redis, keys, 'acme', costMonth(Date.now()));
    expect(tenant.totalUsd).toBeCloseTo(2.5, 6);
    // Each session's own transcript is found in its own partition.
    const reader = new TranscriptReader(redis, keys);
    for (const session of sessions)
      expect((await reader.read(session))?.chunks.map((c) => c.text)).toEqual([
        'TEXT-OF-' + session.sessionId,
      ]);
  });

  it("sweeps every partition's session index for retention", async () => {
    const sessions = onePerPartition(DEFAULT_TENANT, 'old');
    for (const session of sessions) {
      await ingestor.ingest({ session, provider: 'whisper', chunk: chunk(session.sessionId) });
      await results.write(session, result(session.sessionId, 0));
    }
    for (const k of keys.allPartitions()) expect(await redis.zcard(keys.sessionIndexKey(k))).toBe(1);
    const sweep = new SessionRetentionSweep(redis, keys, fixedRetention(60), 86_400);
    expect(await sweep.sweep(Date.now())).toEqual([]);
    const erased = await sweep.sweep(Date.now() + 61_000);
    expect(erased.map((s) => s.partition).sort()).toEqual(keys.allPartitions());
    for (const session of sessions) expect(await redis.exists(...keys.sessionKeys(session))).toBe(0);
    for (const k of keys.allPartitions()) {
      expect(await redis.zcard(keys.sessionIndexKey(k))).toBe(0);
      expect(JSON.stringify(await redis.xrange(keys.providerStream('whisper', k), '-', '+'))).not.toContain(
        'AUDIO-OF-',
      );
      expect(JSON.stringify(await redis.xrange(keys.allResultsStream(k), '-', '+'))).not.toContain(
        'TEXT-OF-',
      );
    }
  });
});
