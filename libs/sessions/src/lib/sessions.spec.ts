import Redis from 'ioredis';
import { DEFAULT_TENANT, KeyScheme, newChunkEntry } from '@streamscribe/contracts';
import { RedisHarness } from '@streamscribe/testing';
import { ChunkIngestor } from './chunk-ingestor';
import { readProviderCostTotals } from './cost-totals';
import { ResultStore } from './result-store';
import { DEFAULT_SESSIONS_OPTIONS } from './sessions-options';
import { TranscriptReader } from './transcript-reader';

const keys = new KeyScheme();
const ref = (sessionId: string, tenant = DEFAULT_TENANT) => keys.session(tenant, sessionId);
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };
const chunk = (sessionId: string, overrides: { chunkId?: string; seq?: number } = {}) =>
  newChunkEntry({
    sessionId,
    chunkId: overrides.chunkId ?? '',
    seq: overrides.seq,
    audio: Buffer.from([1, 2, 3, 4]),
    audioFormat: 'l16',
    sampleRate: 16000,
    hints,
    fallbackProviders: [],
  });
const result = (sessionId: string, chunkId: string, text: string, seq?: number) => ({
  sessionId,
  chunkId,
  seq,
  status: 'ok' as const,
  text,
  confidence: 0.9,
  provider: 'deepgram',
  processingTime: 0.1,
  timestamp: Date.now() / 1000,
  words: [],
});

describe('sessions', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let ingestor: ChunkIngestor;
  let results: ResultStore;
  let reader: TranscriptReader;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    ingestor = new ChunkIngestor(redis, DEFAULT_SESSIONS_OPTIONS, keys);
    results = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
    reader = new TranscriptReader(redis, keys);
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('assigns seq in arrival order and appends each chunk to the provider stream once', async () => {
    const first = await ingestor.ingest({ provider: 'deepgram', session: ref('s1'), chunk: chunk('s1') });
    const second = await ingestor.ingest({ provider: 'deepgram', session: ref('s1'), chunk: chunk('s1') });
    expect(first).toMatchObject({ status: 'created', seq: 0, chunkId: 'chunk_000000', provider: 'deepgram' });
    expect(second).toMatchObject({ status: 'created', seq: 1, chunkId: 'chunk_000001' });
    const entries = await redis.xrange(keys.providerStream('deepgram'), '-', '+');
    expect(entries.map(([id]) => id)).toEqual([
      (first as { entryId: string }).entryId,
      (second as { entryId: string }).entryId,
    ]);
    expect(entries[1][1]).toEqual(expect.arrayContaining(['seq', '1', 'chunk_id', 'chunk_000001']));
  });

  it('treats a re-posted chunk id as the same chunk and rejects a taken seq', async () => {
    const first = await ingestor.ingest({
      provider: 'deepgram',
      session: ref('s2'),
      chunk: chunk('s2', { chunkId: 'a', seq: 5 }),
    });
    const again = await ingestor.ingest({
      provider: 'whisper',
      session: ref('s2'),
      chunk: chunk('s2', { chunkId: 'a', seq: 5 }),
    });
    const clash = await ingestor.ingest({
      provider: 'deepgram',
      session: ref('s2'),
      chunk: chunk('s2', { chunkId: 'b', seq: 5 }),
    });
    const next = await ingestor.ingest({ provider: 'deepgram', session: ref('s2'), chunk: chunk('s2') });
    expect(again).toEqual({ ...first, status: 'duplicate' });
    expect(clash).toEqual({ status: 'seq_taken', sessionId: 's2', seq: 5, chunkId: 'a' });
    expect(next).toMatchObject({ status: 'created', seq: 6 });
    expect(await redis.xlen(keys.providerStream('whisper'))).toBe(0);
  });

  it('writes a result once per chunk and orders the transcript by seq, not by finish time', async () => {
    const outcomes = await ingestor.ingestMany(
      [0, 1, 2].map(() => ({ provider: 'deepgram' as const, session: ref('s3'), chunk: chunk('s3') })),
    );
    expect(outcomes.map((o) => o.seq)).toEqual([0, 1, 2]);
    await results.write(ref('s3'), result('s3', 'chunk_000002', 'three', 2));
    let transcript = await reader.read(ref('s3'));
    expect(transcript).toMatchObject({ complete: false, chunkCount: 3, resultCount: 1, text: 'three' });
    await results.write(ref('s3'), result('s3', 'chunk_000000', 'one', 0));
    const duplicate = await results.write(ref('s3'), result('s3', 'chunk_000000', 'ONE AGAIN', 0));
    await results.write(ref('s3'), result('s3', 'chunk_000001', 'two', 1));
    expect(duplicate.created).toBe(false);
    transcript = await reader.read(ref('s3'));
    expect(transcript).toMatchObject({ complete: true, resultCount: 3, text: 'one two three' });
    expect(transcript?.chunks.map((c) => c.seq)).toEqual([0, 1, 2]);
    expect(await redis.xlen('transcription:results:s3')).toBe(3);
  });

  it('lets an ok result supersede a failed one (a re-drive), and nothing supersede an ok one', async () => {
    await ingestor.ingest({ provider: 'deepgram', session: ref('s5'), chunk: chunk('s5') });
    const failed = await results.write(ref('s5'), {
      ...result('s5', 'chunk_000000', '', 0),
      status: 'failed',
      error: 'chain exhausted',
    });
    expect(failed).toMatchObject({ created: true, superseded: false });
    expect(await results.statusOf(ref('s5'), { chunkId: 'chunk_000000', seq: 0 }, 'deepgram')).toBe('failed');
    expect(
      await results.write(ref('s5'), {
        ...result('s5', 'chunk_000000', '', 0),
        status: 'failed',
        error: 'again',
      }),
    ).toMatchObject({ created: false });
    expect((await reader.read(ref('s5')))?.chunks[0]).toMatchObject({
      status: 'failed',
      error: { code: 'transcription_failed', message: expect.not.stringContaining('chain exhausted') },
    });

    const redriven = await results.write(ref('s5'), result('s5', 'chunk_000000', 'hello', 0));
    expect(redriven).toMatchObject({ created: true, superseded: true });
    expect(await results.statusOf(ref('s5'), { chunkId: 'chunk_000000', seq: 0 }, 'deepgram')).toBe('ok');
    expect(await results.write(ref('s5'), result('s5', 'chunk_000000', 'other', 0))).toMatchObject({
      created: false,
    });
    expect(
      await results.write(ref('s5'), { ...result('s5', 'chunk_000000', '', 0), status: 'failed' }),
    ).toMatchObject({
      created: false,
    });
    expect(await reader.read(ref('s5'))).toMatchObject({
      complete: true,
      resultCount: 1,
      failedCount: 0,
      text: 'hello',
    });
    expect(
      await results.statusOf(ref('s5'), { chunkId: 'chunk_unknown', seq: 0 }, 'deepgram'),
    ).toBeUndefined();
  });

  it("keeps one result per provider for a classic entry (no seq), as the guide's consensus reads them; the transcript shows one", async () => {
    const classic = (provider: string, text: string) => ({
      ...result('s6', 'consensus_1', text, 0),
      seq: undefined,
      provider,
    });
    expect(await results.write(ref('s6'), classic('deepgram', 'hello'))).toMatchObject({ created: true });
    expect(await results.write(ref('s6'), classic('whisper', 'hallo'))).toMatchObject({ created: true });
    expect(await results.write(ref('s6'), classic('whisper', 'again'))).toMatchObject({ created: false });
    expect(await redis.xlen('transcription:results:s6')).toBe(2);
    expect(await results.statusOf(ref('s6'), { chunkId: 'consensus_1' }, 'whisper')).toBe('ok');
    expect(await results.statusOf(ref('s6'), { chunkId: 'consensus_1' }, 'parakeet')).toBeUndefined();
    expect(await reader.read(ref('s6'))).toMatchObject({ chunkCount: 1, resultCount: 1, text: 'hello' });
    // Ours (with a seq) stay once per chunk, whichever provider answers.
    await ingestor.ingest({ provider: 'deepgram', session: ref('s7'), chunk: chunk('s7') });
    expect(await results.write(ref('s7'), result('s7', 'chunk_000000', 'one', 0))).toMatchObject({
      created: true,
    });
    expect(
      await results.write(ref('s7'), { ...result('s7', 'chunk_000000', 'uno', 0), provider: 'whisper' }),
    ).toMatchObject({ created: false });
  });

  it("adds each result's cost to the session and provider totals once, redelivered or not", async () => {
    const before = await readProviderCostTotals(redis, keys);
    await ingestor.ingestMany(
      [0, 1, 2].map(() => ({ provider: 'assemblyai' as const, session: ref('s4'), chunk: chunk('s4') })),
    );
    const priced = (chunkId: string, provider: string, costUsd: number, seq: number) => ({
      ...result('s4', chunkId, chunkId, seq),
      provider,
      costUsd,
      durationSeconds: 30,
      model: 'm',
    });
    await results.write(ref('s4'), priced('chunk_000000', 'assemblyai', 0.00125, 0));
    await results.write(ref('s4'), priced('chunk_000000', 'assemblyai', 0.00125, 0));
    await results.write(ref('s4'), priced('chunk_000001', 'deepgram', 0.00215, 1));
    await results.write(ref('s4'), {
      ...result('s4', 'chunk_000002', '', 2),
      status: 'failed' as const,
      costUsd: 1,
    });
    const transcript = await reader.read(ref('s4'));
    expect(transcript?.cost).toEqual({
      totalUsd: 0.0034,
      byProvider: {
        assemblyai: { usd: 0.00125, audioSeconds: 30, chunks: 1 },
        deepgram: { usd: 0.00215, audioSeconds: 30, chunks: 1 },
      },
    });
    expect(transcript?.chunks.map((c) => [c.provider, c.costUsd, c.model])).toEqual([
      ['assemblyai', 0.00125, 'm'],
      ['deepgram', 0.00215, 'm'],
      ['deepgram', 1, undefined],
    ]);
    const after = await readProviderCostTotals(redis, keys);
    expect(after.byProvider['assemblyai'].usd - (before.byProvider['assemblyai']?.usd ?? 0)).toBeCloseTo(
      0.00125,
      9,
    );
    expect(after.byProvider['assemblyai'].chunks - (before.byProvider['assemblyai']?.chunks ?? 0)).toBe(1);
    expect(await redis.ttl('streamscribe:session:s4:cost')).toBeGreaterThan(0);
  });

  it('writes a result whose cost or duration is not a finite number without counting it, never half', async () => {
    await ingestor.ingest({ provider: 'deepgram', session: ref('s6'), chunk: chunk('s6') });
    const written = await results.write(ref('s6'), {
      ...result('s6', 'chunk_000000', 'x', 0),
      costUsd: Number.NaN,
      durationSeconds: Number.POSITIVE_INFINITY,
    });
    expect(written.created).toBe(true);
    expect(await redis.hgetall('streamscribe:session:s6:cost')).toEqual({});
  });

  it('knows nothing of an unknown session', async () => {
    expect(await reader.read(ref('nobody'))).toBeUndefined();
  });

  it('keeps the same session id in two tenants as two sessions, each entry carrying its tenant', async () => {
    const acme = ref('same', 'acme');
    await ingestor.ingest({ session: ref('same'), provider: 'deepgram', chunk: chunk('same') });
    await ingestor.ingest({ session: acme, provider: 'deepgram', chunk: chunk('same') });
    await results.write(ref('same'), result('same', 'chunk_000000', 'default text', 0));
    await results.write(acme, { ...result('same', 'chunk_000000', 'acme text', 0), costUsd: 0.5 });
    expect((await reader.read(ref('same')))?.text).toBe('default text');
    expect((await reader.read(acme))?.text).toBe('acme text');
    expect(await redis.xrange('transcription:results:t:acme:same', '-', '+')).toEqual([
      [expect.any(String), expect.arrayContaining(['tenant', 'acme', 'text', 'acme text'])],
    ]);
    const queued = await redis.xrange(keys.providerStream('deepgram'), '-', '+');
    expect(queued.slice(-1)[0][1]).toEqual(expect.arrayContaining(['session_id', 'same', 'tenant', 'acme']));
    // The tenant's month of spend, for quotas; every entry the session put in a shared stream, for deletion.
    const month = new Date().toISOString().slice(0, 7);
    expect(await redis.hget(keys.tenantCostKey('acme', month), 'total_micros')).toBe('500000');
    expect(await redis.scard(keys.sessionTrailKey(acme))).toBe(2);
    expect(await redis.zscore(keys.sessionIndexKey(0), 'acme:same')).not.toBeNull();
  });
});
