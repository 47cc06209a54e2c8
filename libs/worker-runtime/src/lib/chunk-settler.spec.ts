import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  DEFAULT_TENANT,
  KeyScheme,
  DEAD_LETTER_FIELDS,
  EncodedFields,
  ProviderName,
  decodeChunkEntry,
  decodeResultEntry,
  encodeChunkEntry,
  fieldsFromFlat,
  newChunkEntry,
  providerGroup,
  providerHeartbeatKey,
  recordFromPairs,
} from '@streamscribe/contracts';
import { ProviderError } from '@streamscribe/providers';
import { DEFAULT_SESSIONS_OPTIONS, ResultStore } from '@streamscribe/sessions';
import { RedisStreamsContext } from '@streamscribe/streams';
import { FakeTranscriptionProvider, RedisHarness, deliverEntry, speechWav } from '@streamscribe/testing';
import { ChunkSettler } from './chunk-settler';
import { WorkerEnvironment } from './worker-environment';

const keys = new KeyScheme();
const DEAD_LETTER_STREAM = keys.deadLetterStream();
const FAILURES_STREAM = keys.failuresStream();
const RESULTS_ALL_STREAM = keys.allResultsStream();
const providerStream = (provider: ProviderName) => keys.providerStream(provider);
const sessionResultsStream = (sessionId: string) =>
  keys.sessionResultsStream(keys.session(DEFAULT_TENANT, sessionId));

const PROVIDER = 'whisper';
const STREAM = providerStream(PROVIDER);
const GROUP = providerGroup(PROVIDER);
const CONSUMER = 'whisper-test-1';

// The settler on a real Redis: where a chunk goes when its provider gives up, and what is recorded.
describe('ChunkSettler', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let settler: ChunkSettler;

  const chunk = (overrides: Partial<AudioChunkEntry> = {}): AudioChunkEntry => ({
    ...newChunkEntry({
      sessionId: 'session-1',
      chunkId: 'chunk-1',
      seq: 3,
      audio: speechWav('hello'),
      audioFormat: 'wav',
      hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
      fallbackProviders: [],
    }),
    ...overrides,
  });

  const deliver = async (fields: EncodedFields, deliveryCount = 1) => {
    const { entry, contextArgs } = await deliverEntry(
      redis,
      { stream: STREAM, group: GROUP, consumer: CONSUMER },
      fields,
      deliveryCount,
    );
    return { entry, context: new RedisStreamsContext(contextArgs) };
  };

  const markLive = (...providers: ProviderName[]) =>
    Promise.all(providers.map((p) => redis.zadd(providerHeartbeatKey(p), Date.now(), `${p}-peer`)));
  const entriesOf = async (stream: string) =>
    (await redis.xrange(stream, '-', '+')).map(([, flat]) => recordFromPairs(flat));
  const chunksIn = async (provider: ProviderName) =>
    (await redis.xrangeBuffer(providerStream(provider), '-', '+')).map(([, flat]) =>
      decodeChunkEntry(fieldsFromFlat(flat)),
    );
  const sessionResults = async () =>
    (await redis.xrangeBuffer(sessionResultsStream('session-1'), '-', '+')).map(([, flat]) =>
      decodeResultEntry(fieldsFromFlat(flat)),
    );
  const permanent = new ProviderError('whisper: audio format unknown', {
    provider: PROVIDER,
    kind: 'permanent',
  });

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  beforeEach(async () => {
    await redis.flushdb();
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
    settler = new ChunkSettler(
      new FakeTranscriptionProvider(PROVIDER),
      redis,
      new WorkerEnvironment(),
      new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys),
      keys,
    );
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  describe('failOver', () => {
    it("follows the provider's default chain when the chunk names none, skipping providers that already tried it", async () => {
      // Whisper's default chain is deepgram, then assemblyai; deepgram already tried this chunk.
      await markLive('deepgram', 'assemblyai');
      const tried = chunk({
        attemptedProviders: ['deepgram'],
        originalProvider: 'deepgram',
        retryCount: 1,
        errorHistory: ';deepgram:503 down',
      });
      const { entry, context } = await deliver(encodeChunkEntry(tried));
      await settler.failOver(entry, tried, permanent, context);

      expect(await chunksIn('deepgram')).toEqual([]);
      const [successor] = await chunksIn('assemblyai');
      expect(successor).toMatchObject({
        attemptedProviders: ['deepgram', 'whisper'],
        retryCount: 2,
        originalProvider: 'deepgram',
        errorHistory: ';deepgram:503 down;whisper:permanent whisper: audio format unknown',
      });
      expect(successor.audio.equals(tried.audio)).toBe(true);
      expect(context.isSettled()).toBe(true);
      expect(((await redis.xpending(STREAM, GROUP)) as [number])[0]).toBe(0);
    });

    it("keeps another tenant's chunk in its tenant, and never hands it to a classic fleet", async () => {
      await markLive('deepgram', 'assemblyai');
      const classicAware = new ChunkSettler(
        new FakeTranscriptionProvider(PROVIDER),
        redis,
        Object.assign(new WorkerEnvironment(), { CLASSIC_FLEETS: 'deepgram' }),
        new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys),
        keys,
      );
      const acme = chunk({ tenant: 'acme' });
      const { entry, context } = await deliver(encodeChunkEntry(acme));
      await classicAware.failOver(entry, acme, permanent, context);

      expect(await chunksIn('deepgram')).toEqual([]);
      const [successor] = await chunksIn('assemblyai');
      expect(successor).toMatchObject({ tenant: 'acme', sessionId: 'session-1' });
      expect(await entriesOf(FAILURES_STREAM)).toEqual([expect.objectContaining({ tenant: 'acme' })]);
      // Both the failure and the moved audio are in the session's trail, for its deletion.
      const trail = await redis.smembers(keys.sessionTrailKey(keys.session('acme', 'session-1')));
      expect(trail).toHaveLength(2);
    });

    it('dead-letters a chunk of another tenant with its tenant, its failed result in its own session', async () => {
      const acme = chunk({ tenant: 'acme' });
      const { entry, context } = await deliver(encodeChunkEntry(acme));
      await settler.deadLetter(entry, 'chain exhausted', context, acme);

      expect(await entriesOf(DEAD_LETTER_STREAM)).toEqual([expect.objectContaining({ tenant: 'acme' })]);
      expect(await sessionResults()).toEqual([]);
      const acmeResults = await redis.xrange('transcription:results:t:acme:session-1', '-', '+');
      expect(acmeResults[0][1]).toEqual(expect.arrayContaining(['status', 'failed', 'tenant', 'acme']));
    });

    it('records each failure in transcription:failures with its class and where the chunk went', async () => {
      await markLive('deepgram');
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await settler.failOver(entry, chunk(), new Error('onnxruntime crashed;\nbadly'), context);

      expect(await entriesOf(FAILURES_STREAM)).toEqual([
        expect.objectContaining({
          failed_provider: PROVIDER,
          session_id: 'session-1',
          chunk_id: 'chunk-1',
          seq: '3',
          error: 'Error: onnxruntime crashed;\nbadly',
          error_class: 'retryable',
          next_step: 'deepgram',
        }),
      ]);
      // The history is one ';'-separated line: the error's own separators and newlines are replaced.
      const [successor] = await chunksIn('deepgram');
      expect(successor.errorHistory).toBe(';whisper:Error: onnxruntime crashed,,badly');
    });

    it('dead-letters the chunk, with its history, when every provider of its chain has tried it', async () => {
      await markLive('deepgram', 'assemblyai');
      const exhausted = chunk({
        fallbackProviders: ['deepgram'],
        attemptedProviders: ['deepgram'],
        errorHistory: ';deepgram:400 bad',
      });
      const { entry, context } = await deliver(encodeChunkEntry(exhausted));
      await settler.failOver(entry, exhausted, permanent, context);

      expect(await chunksIn('assemblyai')).toEqual([]);
      const [letter] = await entriesOf(DEAD_LETTER_STREAM);
      expect(letter[DEAD_LETTER_FIELDS.reason]).toBe(
        'every provider in the chain tried it (deepgram, whisper); last error: whisper:permanent whisper: audio format unknown',
      );
      expect(letter['error_history']).toBe(
        ';deepgram:400 bad;whisper:permanent whisper: audio format unknown',
      );
      expect(await sessionResults()).toEqual([
        expect.objectContaining({
          status: 'failed',
          seq: 3,
          provider: PROVIDER,
          error: letter[DEAD_LETTER_FIELDS.reason],
        }),
      ]);
      expect(await entriesOf(FAILURES_STREAM)).toEqual([
        expect.objectContaining({ next_step: 'dead-letter' }),
      ]);
    });

    it('moves nothing when a peer has reclaimed the entry, but still records the failure', async () => {
      await markLive('deepgram');
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await redis.xclaim(STREAM, GROUP, 'whisper-peer', 0, entry.id);
      await settler.failOver(entry, chunk(), permanent, context);

      expect(await chunksIn('deepgram')).toEqual([]);
      expect(await redis.xpending(STREAM, GROUP, '-', '+', 10)).toEqual([
        [entry.id, 'whisper-peer', expect.any(Number), 2],
      ]);
      expect(await entriesOf(FAILURES_STREAM)).toHaveLength(1);
      // The peer settles it; the transport must not ack it here.
      expect(context.isSettled()).toBe(true);
    });
  });

  describe('deadLetter', () => {
    it("keeps the entry's own fields and adds where it came from, replacing stale ones of an earlier dead-lettering", async () => {
      const redriven: EncodedFields = [
        ...encodeChunkEntry(chunk()),
        DEAD_LETTER_FIELDS.reason,
        'an old reason',
        DEAD_LETTER_FIELDS.sourceEntryId,
        '1-1',
      ];
      const { entry, context } = await deliver(redriven);
      await settler.deadLetter(entry, 'delivered 9 times', context, chunk());

      const [letter] = await entriesOf(DEAD_LETTER_STREAM);
      expect(letter).toMatchObject({
        [DEAD_LETTER_FIELDS.reason]: 'delivered 9 times',
        [DEAD_LETTER_FIELDS.sourceStream]: STREAM,
        [DEAD_LETTER_FIELDS.sourceEntryId]: entry.id,
        [DEAD_LETTER_FIELDS.sourceGroup]: GROUP,
        [DEAD_LETTER_FIELDS.failedProvider]: PROVIDER,
        session_id: 'session-1',
        chunk_id: 'chunk-1',
      });
      const [, flat] = (await redis.xrange(DEAD_LETTER_STREAM, '-', '+'))[0];
      expect(flat.filter((name, i) => i % 2 === 0 && name === DEAD_LETTER_FIELDS.reason)).toHaveLength(1);
      expect(context.isSettled()).toBe(true);
    });

    it('writes no result for an entry that names no chunk', async () => {
      const { entry, context } = await deliver(['chunk_data', 'zz']);
      await settler.deadLetter(entry, 'malformed', context);

      expect(await entriesOf(DEAD_LETTER_STREAM)).toEqual([
        expect.objectContaining({ chunk_data: 'zz', [DEAD_LETTER_FIELDS.reason]: 'malformed' }),
      ]);
      expect(await redis.xlen(RESULTS_ALL_STREAM)).toBe(0);
    });

    it('writes the failed result before the move, so a peer that settles the entry first still leaves the client an answer', async () => {
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await redis.xack(STREAM, GROUP, entry.id);
      await settler.deadLetter(entry, 'poison', context, chunk());

      expect(await redis.xlen(DEAD_LETTER_STREAM)).toBe(0);
      expect(await sessionResults()).toEqual([
        expect.objectContaining({ status: 'failed', error: 'poison' }),
      ]);
      expect(context.isSettled()).toBe(true);
    });
  });
});
