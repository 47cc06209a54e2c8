import Redis from 'ioredis';
import { DEFAULT_TENANT, KeyScheme, WordTiming, newChunkEntry } from '@streamscribe/contracts';
import { RedisHarness } from '@streamscribe/testing';
import { ChunkIngestor } from './chunk-ingestor';
import { ResultStore } from './result-store';
import { DEFAULT_SESSIONS_OPTIONS } from './sessions-options';
import { TranscriptReader, assembleTranscript } from './transcript-reader';

const keys = new KeyScheme();
const ref = (sessionId: string) => keys.session(DEFAULT_TENANT, sessionId);
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };
const chunk = (sessionId: string, opts: { seq?: number; offsetMs?: number } = {}) =>
  newChunkEntry({
    sessionId,
    chunkId: '',
    seq: opts.seq,
    offsetMs: opts.offsetMs,
    audio: Buffer.from([1, 2, 3, 4]),
    audioFormat: 'l16',
    sampleRate: 16000,
    hints,
    fallbackProviders: [],
  });
const word = (text: string, start: number, end: number, speaker?: number): WordTiming => ({
  word: text,
  start,
  end,
  confidence: 0.9,
  ...(speaker === undefined ? {} : { speaker }),
});
const result = (sessionId: string, seq: number, words: WordTiming[], offsetMs?: number) => ({
  sessionId,
  chunkId: `chunk_${String(seq).padStart(6, '0')}`,
  seq,
  ...(offsetMs === undefined ? {} : { offsetMs }),
  status: 'ok' as const,
  text: words.map((w) => w.word).join(' '),
  confidence: 0.9,
  provider: 'deepgram',
  processingTime: 0.1,
  timestamp: Date.now() / 1000,
  words,
});

describe("a session's clock", () => {
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

  const offsetsOnStream = async () =>
    (await redis.xrange(keys.providerStream('deepgram', ref('x').partition), '-', '+')).map(([, flat]) => ({
      session: flat[flat.indexOf('session_id') + 1],
      seq: flat[flat.indexOf('seq') + 1],
      offset: flat.includes('offset_ms') ? flat[flat.indexOf('offset_ms') + 1] : undefined,
    }));

  it('puts each live chunk after the ones before it by seq, or where the client said it starts', async () => {
    const ingest = (opts: { offsetMs?: number }, durationMs: number) =>
      ingestor.ingest({ provider: 'deepgram', session: ref('live'), chunk: chunk('live', opts), durationMs });
    expect(await ingest({}, 5000)).toMatchObject({ seq: 0, offsetMs: 0 });
    expect(await ingest({}, 2500)).toMatchObject({ seq: 1, offsetMs: 5000 });
    expect(await ingest({}, 1000)).toMatchObject({ seq: 2, offsetMs: 7500 });
    // The client knows better (it skipped silence it never sent): its offset stands, and the next follows it.
    expect(await ingest({ offsetMs: 60_000 }, 4000)).toMatchObject({ seq: 3, offsetMs: 60_000 });
    expect(await ingest({}, 1000)).toMatchObject({ seq: 4, offsetMs: 64_000 });
    const live = (await offsetsOnStream()).filter((e) => e.session === 'live');
    expect(live.map((e) => e.offset)).toEqual(['0', '5000', '7500', '60000', '64000']);
  });

  it('leaves the offset off a chunk that arrives before the one ahead of it; the transcript works it out', async () => {
    const ingest = (seq: number, durationMs: number) =>
      ingestor.ingest({
        provider: 'deepgram',
        session: ref('ooo'),
        chunk: chunk('ooo', { seq }),
        durationMs,
      });
    const second = await ingest(1, 3000);
    expect(second).toMatchObject({ status: 'created', seq: 1 });
    expect(second).not.toHaveProperty('offsetMs');
    expect(await ingest(0, 4000)).toMatchObject({ seq: 0, offsetMs: 0 });
    // Seq 1's start was not known when it came, so neither is seq 2's (the transcript knows both).
    expect(await ingest(2, 2000)).not.toHaveProperty('offsetMs');
    // A worker writes words on the session's clock when the entry had an offset, and as they came otherwise.
    await results.write(ref('ooo'), result('ooo', 0, [word('zero', 0.5, 1)], 0));
    await results.write(ref('ooo'), result('ooo', 1, [word('one', 0.5, 1)]));
    const transcript = await reader.read(ref('ooo'));
    expect(transcript?.chunks.map((c) => [c.seq, c.start, c.end])).toEqual([
      [0, 0, 4],
      [1, 4, 7],
      [2, 7, 9],
    ]);
    expect(transcript?.chunks[0].words).toEqual([word('zero', 0.5, 1)]);
    expect(transcript?.chunks[1].words).toEqual([word('one', 4.5, 5)]);
  });

  it('never moves words twice: a result with an offset already has them on the session clock', async () => {
    for (const seq of [0, 1]) {
      await ingestor.ingest({
        provider: 'deepgram',
        session: ref('file'),
        chunk: chunk('file', { offsetMs: seq * 30_000 }),
        durationMs: 30_000,
      });
    }
    await results.write(ref('file'), result('file', 1, [word('later', 31, 32)], 30_000));
    await results.write(ref('file'), result('file', 0, [word('first', 1, 2)], 0));
    const transcript = await reader.read(ref('file'));
    expect(transcript?.chunks.map((c) => [c.start, c.end, c.words?.[0].start])).toEqual([
      [0, 30, 1],
      [30, 60, 31],
    ]);
  });
});

describe('speaker labels across chunks', () => {
  const index = {
    'c:a': '0|1-0|deepgram',
    'c:b': '1|2-0|deepgram',
    'o:0': '0',
    'd:0': '30000',
    'o:1': '30000',
  };
  const two = [
    result('s', 0, [word('hi', 0, 1, 0), word('yo', 1, 2, 1), word('hm', 2, 3, 0)], 0),
    result('s', 1, [word('so', 30, 31, 1), word('ok', 31, 32, 0)], 30_000),
  ].map((r, i) => ({ ...r, chunkId: i === 0 ? 'a' : 'b' }));

  it("gives each chunk's speakers numbers no other chunk uses, and says so", () => {
    const transcript = assembleTranscript('s', {}, index, two);
    expect(transcript.speakers).toBe('distinct_per_chunk');
    expect(transcript.chunks.map((c) => c.words?.map((w) => w.speaker))).toEqual([
      [0, 1, 0],
      [2, 3],
    ]);
  });

  it("keeps the provider's labels for a file sent whole", () => {
    const whole = assembleTranscript('s', { split: 'whole', split_reason: 'diarization' }, index, two);
    expect(whole.speakers).toBe('whole_file');
    expect(whole.split).toEqual({ mode: 'whole', reason: 'diarization' });
    expect(whole.chunks[1].words?.map((w) => w.speaker)).toEqual([1, 0]);
  });

  it('says nothing of speakers when no word has one', () => {
    const plain = two.map((r) => ({ ...r, words: r.words.map((w) => ({ ...w, speaker: undefined })) }));
    expect(assembleTranscript('s', {}, index, plain).speakers).toBeUndefined();
  });
});
