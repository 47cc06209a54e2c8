import Redis from 'ioredis';
import { AudioChunkEntry, KeyScheme, SessionRef, newChunkEntry } from '@streamscribe/contracts';
import { RedisHarness } from '@streamscribe/testing';
import { ChunkIngestor, IngestOutcome } from './chunk-ingestor';
import { DEFAULT_SESSIONS_OPTIONS } from './sessions-options';

const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };

/** What a client sends, the same to both paths: ids, seqs, offsets, a repeat, a taken seq. */
const PLAN: { chunkId?: string; seq?: number; offsetMs?: number; durationMs?: number }[] = [
  { chunkId: 'a', durationMs: 100 },
  { durationMs: 100 },
  { chunkId: 'c', seq: 5, durationMs: 250 },
  { chunkId: 'a', durationMs: 100 }, // the first chunk again: a duplicate
  { chunkId: 'd', seq: 5, durationMs: 100 }, // seq 5 is c's: taken
  { chunkId: 'e', offsetMs: 7000 },
  { chunkId: 'f', seq: 8, durationMs: 40 },
];

function chunkOf(sessionId: string, tenant: string, i: number): AudioChunkEntry {
  const { chunkId, seq, offsetMs } = PLAN[i];
  return newChunkEntry({
    tenant,
    sessionId,
    chunkId: chunkId ?? '',
    seq,
    offsetMs,
    audio: Buffer.from([i, 1, 2, 3]),
    audioFormat: 'l16',
    sampleRate: 16000,
    hints,
    fallbackProviders: [],
  });
}

/** Everything the ingest wrote for the session, entry ids and clocks replaced by their order. */
async function stateOf(redis: Redis, keys: KeyScheme, session: SessionRef, outcomes: IngestOutcome[]) {
  const entryIds = outcomes.flatMap((o) => ('entryId' in o ? [o.entryId] : []));
  const anonymous = (value: string) => entryIds.reduce((v, id, n) => v.split(id).join(`<entry ${n}>`), value);
  const chunks = await redis.hgetall(keys.sessionChunksKey(session));
  const meta = await redis.hgetall(keys.sessionMetaKey(session));
  delete meta['created_ms'];
  delete meta['updated_ms'];
  const stream = keys.providerStream('deepgram', session.partition);
  const entries = (await redis.xrange(stream, '-', '+'))
    .filter(([, fields]) => fields[fields.indexOf('session_id') + 1] === session.sessionId)
    .map(([, fields]) => fields.filter((_, n) => !['timestamp'].includes(fields[n - (n % 2)])));
  const trail = (await redis.smembers(keys.sessionTrailKey(session))).map(anonymous).sort();
  return {
    chunks: Object.fromEntries(Object.entries(chunks).map(([k, v]) => [k, anonymous(v)])),
    meta,
    entries,
    trail,
    indexed:
      (await redis.zscore(keys.sessionIndexKey(session.partition), keys.sessionIndexMember(session))) !==
      null,
    ttl: (await redis.ttl(keys.sessionMetaKey(session))) > 0,
  };
}

describe.each([
  ['single node (classic key names)', new KeyScheme()],
  ['partitioned ({k}-tagged keys, as on Cluster)', new KeyScheme({ partitions: 4, cluster: false })],
])('the batched ingest (one Lua call) on %s', (_, keys) => {
  let harness: RedisHarness;
  let redis: Redis;
  let ingestor: ChunkIngestor;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    ingestor = new ChunkIngestor(redis, DEFAULT_SESSIONS_OPTIONS, keys);
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('leaves, chunk for chunk, what ingesting each chunk alone leaves: outcomes, hashes, entries, trail, index', async () => {
    const one = keys.session('acme', 'one-by-one');
    const batched = keys.session('acme', 'batched');
    const single: IngestOutcome[] = [];
    for (const [i, { durationMs }] of PLAN.entries())
      single.push(
        await ingestor.ingest({
          session: one,
          provider: 'deepgram',
          chunk: chunkOf(one.sessionId, 'acme', i),
          durationMs,
        }),
      );
    const batch = await ingestor.ingestBatch(
      batched,
      'deepgram',
      PLAN.map(({ durationMs }, i) => ({ chunk: chunkOf(batched.sessionId, 'acme', i), durationMs })),
    );

    expect(batch.map((o) => o.status)).toEqual([
      'created',
      'created',
      'created',
      'duplicate',
      'seq_taken',
      'created',
      'created',
    ]);
    const strip = (o: IngestOutcome) => ({ ...o, sessionId: undefined, entryId: undefined });
    expect(batch.map(strip)).toEqual(single.map(strip));
    const a = await stateOf(redis, keys, one, single);
    const b = await stateOf(redis, keys, batched, batch);
    expect(b.entries.map((e) => e.filter((f) => f !== 'batched'))).toEqual(
      a.entries.map((e) => e.filter((f) => f !== 'one-by-one')),
    );
    expect({ ...b, entries: undefined }).toEqual({ ...a, entries: undefined });
    expect(b.meta['chunk_count']).toBe('5');
    expect(b.indexed && b.ttl).toBe(true);
  });

  it('a batch with nothing new (every chunk a duplicate) touches neither meta nor stream', async () => {
    const session = keys.session('acme', 'again');
    const first = await ingestor.ingestBatch(session, 'deepgram', [{ chunk: chunkOf('again', 'acme', 0) }]);
    const before = await redis.xlen(keys.providerStream('deepgram', session.partition));
    const again = await ingestor.ingestBatch(session, 'deepgram', [
      { chunk: chunkOf('again', 'acme', 0) },
      { chunk: chunkOf('again', 'acme', 0) },
    ]);
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'duplicate']);
    expect(again.map((o) => ('entryId' in o ? o.entryId : ''))).toEqual([
      (first[0] as { entryId: string }).entryId,
      (first[0] as { entryId: string }).entryId,
    ]);
    expect(await redis.xlen(keys.providerStream('deepgram', session.partition))).toBe(before);
    expect(await redis.hget(keys.sessionMetaKey(session), 'chunk_count')).toBe('1');
  });
});
