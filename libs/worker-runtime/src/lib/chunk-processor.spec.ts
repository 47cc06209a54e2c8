import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  DEFAULT_TENANT,
  KeyScheme,
  EncodedFields,
  ProviderName,
  decodeChunkEntry,
  decodeDeadLetter,
  decodeResultEntry,
  encodeChunkEntry,
  fieldsFromFlat,
  newChunkEntry,
  providerGroup,
  providerHealthKey,
  providerHeartbeatKey,
  recordFromPairs,
} from '@streamscribe/contracts';
import { DEFAULT_HEALTH_SETTINGS, ProviderHealthRecorder } from '@streamscribe/provider-health';
import { ProviderError } from '@streamscribe/providers';
import { DEFAULT_SESSIONS_OPTIONS, ResultStore, SessionCancellation } from '@streamscribe/sessions';
import { RedisStreamsContext } from '@streamscribe/streams';
import {
  FakeTranscriptionProvider,
  RedisHarness,
  deliverEntry,
  speechWav,
  until,
} from '@streamscribe/testing';
import { ChunkProcessor } from './chunk-processor';
import { ChunkSettler } from './chunk-settler';
import { CostAccountant } from './cost-accountant';
import { WorkerEnvironment } from './worker-environment';

const keys = new KeyScheme();
const DEAD_LETTER_STREAM = keys.deadLetterStream();
const FAILURES_STREAM = keys.failuresStream();
const providerStream = (provider: ProviderName) => keys.providerStream(provider);
const sessionResultsStream = (sessionId: string) =>
  keys.sessionResultsStream(keys.session(DEFAULT_TENANT, sessionId));

const PROVIDER = 'deepgram';
const STREAM = providerStream(PROVIDER);
const GROUP = providerGroup(PROVIDER);
const CONSUMER = 'deepgram-test-1';

const providerError = (kind: 'retryable' | 'permanent', statusCode?: number, retryAfterMs?: number) =>
  new ProviderError(`deepgram answered ${statusCode ?? kind}`, {
    provider: PROVIDER,
    kind,
    statusCode,
    retryAfterMs,
  });

// ChunkProcessor with its real collaborators on a real Redis; only the provider is a fake.
describe('ChunkProcessor', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let provider: FakeTranscriptionProvider;
  let env: WorkerEnvironment;
  let results: ResultStore;

  const processor = () =>
    new ChunkProcessor(
      provider,
      env,
      results,
      new ChunkSettler(provider, redis, env, results, keys),
      new CostAccountant(env),
      new ProviderHealthRecorder(redis, PROVIDER, DEFAULT_HEALTH_SETTINGS),
      keys,
      new SessionCancellation(redis, keys),
    );

  const chunk = (overrides: Partial<AudioChunkEntry> = {}): AudioChunkEntry => ({
    ...newChunkEntry({
      sessionId: 'session-1',
      chunkId: 'chunk-1',
      seq: 0,
      audio: speechWav('hello', { durationSeconds: 2 }),
      audioFormat: 'wav',
      hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
      fallbackProviders: ['assemblyai', 'whisper'],
      transcription: { language: 'en-US', diarize: true },
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

  const pendingCount = async () => ((await redis.xpending(STREAM, GROUP)) as [number])[0];
  const sessionResults = async (sessionId = 'session-1') =>
    (await redis.xrangeBuffer(sessionResultsStream(sessionId), '-', '+')).map(([, flat]) =>
      decodeResultEntry(fieldsFromFlat(flat)),
    );
  const entriesOf = async (stream: string) =>
    (await redis.xrange(stream, '-', '+')).map(([, flat]) => recordFromPairs(flat));
  const deadLetters = async () =>
    (await redis.xrangeBuffer(DEAD_LETTER_STREAM, '-', '+')).map(([id, flat]) =>
      decodeDeadLetter(id.toString(), fieldsFromFlat(flat)),
    );
  const markLive = (p: ProviderName) => redis.zadd(providerHeartbeatKey(p), Date.now(), `${p}-peer`);
  const healthTotal = async (field: 'ok_total' | 'error_total') =>
    Number((await redis.hget(providerHealthKey(PROVIDER), field)) ?? 0);

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  beforeEach(async () => {
    await redis.flushdb();
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
    provider = new FakeTranscriptionProvider(PROVIDER);
    // Retries wait at most a few ms: these tests are about which path a chunk takes, not when.
    env = Object.assign(new WorkerEnvironment(), {
      RETRY_MAX_ATTEMPTS: 3,
      RETRY_BASE_MS: 1,
      RETRY_MAX_MS: 50,
      MAX_DELIVERIES: 5,
    });
    results = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('acknowledges and skips a chunk of a cancelled session: no provider call, no result, nothing paid', async () => {
    await new SessionCancellation(redis, keys).cancel(
      keys.session(DEFAULT_TENANT, 'session-1'),
      'the upload broke off',
    );
    const { entry, context } = await deliver(encodeChunkEntry(chunk()));
    await processor().process(entry, context);
    expect(provider.requests).toHaveLength(0);
    expect(await sessionResults()).toEqual([]);
    expect(await deadLetters()).toEqual([]);
    expect(context.isSettled()).toBe(false);
  });

  describe('a chunk the provider transcribes', () => {
    it("sends the chunk's audio and hints, writes an ok result, and leaves the ack to the transport", async () => {
      provider.answerNext({
        text: 'hello there',
        confidence: 0.8,
        durationSeconds: 2,
        model: 'nova-3',
        language: 'en',
      });
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);

      expect(provider.requests).toEqual([
        expect.objectContaining({
          format: 'wav',
          language: 'en-US',
          options: { diarize: true, keywords: undefined },
        }),
      ]);
      expect(provider.requests[0].audio.equals(chunk().audio)).toBe(true);
      const [result] = await sessionResults();
      expect(result).toMatchObject({
        status: 'ok',
        chunkId: 'chunk-1',
        seq: 0,
        text: 'hello there',
        confidence: 0.8,
        provider: PROVIDER,
        language: 'en',
        durationSeconds: 2,
        model: 'nova-3',
      });
      // Priced from the default price table: Deepgram's nova-3 costs something per minute.
      expect(result.costUsd).toBeGreaterThan(0);
      // The transport acknowledges a handler that returned without settling the entry itself.
      expect(context.isSettled()).toBe(false);
      expect(await pendingCount()).toBe(1);
      expect(
        await until(
          () => healthTotal('ok_total'),
          (n) => n === 1,
        ),
      ).toBe(1);
    });

    it("writes word times on the session's clock: the chunk's offset_ms plus the provider's time in the chunk", async () => {
      provider.answerNext({
        text: 'later on',
        words: [
          { word: 'later', start: 0.25, end: 0.5, confidence: 0.9, speaker: 0 },
          { word: 'on', start: 1.125, end: 1.5, confidence: 0.9, speaker: 1 },
        ],
      });
      const { entry, context } = await deliver(encodeChunkEntry(chunk({ seq: 2, offsetMs: 60_000 })));
      await processor().process(entry, context);
      const [result] = await sessionResults();
      expect(result.offsetMs).toBe(60_000);
      expect(result.words.map((w) => [w.word, w.start, w.end, w.speaker])).toEqual([
        ['later', 60.25, 60.5, 0],
        ['on', 61.125, 61.5, 1],
      ]);
    });

    it('retries a retryable error with backoff and writes the result of the attempt that succeeds', async () => {
      provider.failNext(providerError('retryable', 503), 2);
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);

      expect(provider.requests).toHaveLength(3);
      expect(await sessionResults()).toEqual([
        expect.objectContaining({ status: 'ok', text: 'fake transcript' }),
      ]);
      expect(await entriesOf(FAILURES_STREAM)).toEqual([]);
      expect(context.isSettled()).toBe(false);
      // Both failures and the success feed the provider's shared health.
      await until(
        () => healthTotal('ok_total'),
        (n) => n === 1,
      );
      expect(await healthTotal('error_total')).toBe(2);
    });

    it('retries an error that is not a ProviderError, as it cannot tell it is permanent', async () => {
      provider.failNext(new Error('socket hang up'));
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);
      expect(provider.requests).toHaveLength(2);
      expect(await sessionResults()).toEqual([expect.objectContaining({ status: 'ok' })]);
    });

    it("replaces the chunk's earlier failed result with the ok one", async () => {
      await results.write(keys.session(DEFAULT_TENANT, 'session-1'), {
        sessionId: 'session-1',
        chunkId: 'chunk-1',
        seq: 0,
        status: 'failed',
        text: '',
        confidence: 0,
        provider: 'whisper',
        processingTime: 0,
        timestamp: 1,
        words: [],
        error: 'x',
      });
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);
      expect(provider.requests).toHaveLength(1);
      expect(
        await results.statusOf(
          keys.session(DEFAULT_TENANT, 'session-1'),
          { chunkId: 'chunk-1', seq: 0 },
          PROVIDER,
        ),
      ).toBe('ok');
    });
    it('leaves a transcript without a duration unpriced, and feeds health the length measured from the chunk', async () => {
      provider.answerNext({ durationSeconds: undefined });
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);

      const [result] = await sessionResults();
      expect(result).toMatchObject({ status: 'ok', costUsd: undefined, durationSeconds: undefined });
      await until(
        () => healthTotal('ok_total'),
        (n) => n === 1,
      );
      expect(Number(await redis.hget(providerHealthKey(PROVIDER), 'audio_seconds_total'))).toBeCloseTo(2);
    });

    it("writes nothing more, and adds no cost, when another copy's result landed while the provider worked", async () => {
      let release!: () => void;
      provider.answerNext(
        { text: 'late copy' },
        { waitFor: new Promise<void>((resolve) => (release = resolve)) },
      );
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      const processing = processor().process(entry, context);
      await until(
        async () => provider.requests.length,
        (n) => n === 1,
      );
      await results.write(keys.session(DEFAULT_TENANT, 'session-1'), {
        sessionId: 'session-1',
        chunkId: 'chunk-1',
        seq: 0,
        status: 'ok',
        text: 'hedge copy',
        confidence: 0.9,
        provider: 'assemblyai',
        processingTime: 1,
        timestamp: 1,
        words: [],
      });
      release();
      await processing;

      expect(await sessionResults()).toEqual([
        expect.objectContaining({ text: 'hedge copy', provider: 'assemblyai' }),
      ]);
      expect(await redis.hget(keys.providerCostKey(), `${PROVIDER}:chunks`)).toBeNull();
      expect(context.isSettled()).toBe(false);
    });
  });

  describe('a chunk that needs no call', () => {
    it('acknowledges a chunk already transcribed without calling the provider or writing again', async () => {
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);
      const again = await deliver(encodeChunkEntry(chunk()));
      await processor().process(again.entry, again.context);

      expect(provider.requests).toHaveLength(1);
      expect(await sessionResults()).toHaveLength(1);
      expect(again.context.isSettled()).toBe(false);
    });

    it('acknowledges, without a call, a reclaimed chunk a classic consumer already transcribed (the guide never XACKs)', async () => {
      const { entry, context } = await deliver(encodeChunkEntry(chunk(), 'chunk_data'), 2);
      // What the guide's store_result writes: a plain XADD, no index, no seq.
      await redis.xadd(
        sessionResultsStream('session-1'),
        '*',
        'text',
        'classic',
        'confidence',
        '0.9',
        'provider',
        PROVIDER,
        'processing_time',
        '0.1',
        'chunk_id',
        'chunk-1',
        'session_id',
        'session-1',
        'timestamp',
        '1',
      );
      await processor().process(entry, context);
      expect(provider.requests).toHaveLength(0);
      expect(await sessionResults()).toHaveLength(1);
      expect(context.isSettled()).toBe(false);

      // Another provider's result for the same chunk id is not this provider's work.
      await redis.del(sessionResultsStream('session-1'));
      await redis.xadd(
        sessionResultsStream('session-1'),
        '*',
        'text',
        'x',
        'provider',
        'parakeet',
        'chunk_id',
        'chunk-1',
        'session_id',
        'session-1',
      );
      const again = await deliver(encodeChunkEntry(chunk({ chunkId: 'chunk-1' }), 'chunk_data'), 2);
      await processor().process(again.entry, again.context);
      expect(provider.requests).toHaveLength(1);
    });

    it('dead-letters a poison chunk (delivered more than MAX_DELIVERIES times) with a failed result, without a call', async () => {
      const { entry, context } = await deliver(encodeChunkEntry(chunk()), env.MAX_DELIVERIES + 1);
      await processor().process(entry, context);

      expect(provider.requests).toHaveLength(0);
      const [letter] = await deadLetters();
      expect(letter).toMatchObject({
        sessionId: 'session-1',
        chunkId: 'chunk-1',
        sourceEntryId: entry.id,
        failedProvider: PROVIDER,
        redrivable: true,
      });
      expect(letter.reason).toMatch(/^delivered 6 times \(MAX_DELIVERIES 5\)/);
      expect(await sessionResults()).toEqual([
        expect.objectContaining({ status: 'failed', error: letter.reason }),
      ]);
      expect(context.isSettled()).toBe(true);
      expect(await pendingCount()).toBe(0);
    });

    it('still transcribes a chunk delivered exactly MAX_DELIVERIES times', async () => {
      const { entry, context } = await deliver(encodeChunkEntry(chunk()), env.MAX_DELIVERIES);
      await processor().process(entry, context);
      expect(provider.requests).toHaveLength(1);
      expect(await deadLetters()).toEqual([]);
    });

    it('dead-letters a malformed entry as it came, with no result (it names no chunk to fail)', async () => {
      const { entry, context } = await deliver(['chunk_id', 'c-9', 'chunk_data', 'abcd']);
      await processor().process(entry, context);

      expect(provider.requests).toHaveLength(0);
      const [letter] = await deadLetters();
      expect(letter).toMatchObject({ chunkId: 'c-9', redrivable: false, sourceEntryId: entry.id });
      expect(letter.reason).toMatch(/session_id/);
      expect(letter.reason).toBe(letter.malformed);
      expect(context.isSettled()).toBe(true);
      expect(await pendingCount()).toBe(0);
    });
  });

  describe('a chunk the provider gives up on', () => {
    it('fails a permanent error over at once, to the next live provider of its chain, in one atomic move', async () => {
      await markLive('whisper');
      provider.failNext(providerError('permanent', 400));
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);

      expect(provider.requests).toHaveLength(1);
      // assemblyai comes first in the chain but has no live worker.
      const [successorFields] = await redis.xrangeBuffer(providerStream('whisper'), '-', '+');
      const successor = decodeChunkEntry(fieldsFromFlat(successorFields[1]));
      expect(successor).toMatchObject({
        chunkId: 'chunk-1',
        attemptedProviders: [PROVIDER],
        retryCount: 1,
        originalProvider: PROVIDER,
      });
      expect(successor.errorHistory).toMatch(/deepgram:400 deepgram answered 400$/);
      expect(await entriesOf(FAILURES_STREAM)).toEqual([
        expect.objectContaining({
          failed_provider: PROVIDER,
          chunk_id: 'chunk-1',
          error_class: 'permanent',
          next_step: 'whisper',
        }),
      ]);
      expect(await sessionResults()).toEqual([]);
      expect(context.isSettled()).toBe(true);
      expect(await pendingCount()).toBe(0);
    });

    it('fails over once retryable errors use up RETRY_MAX_ATTEMPTS', async () => {
      await markLive('assemblyai');
      provider.failNext(providerError('retryable', 503), env.RETRY_MAX_ATTEMPTS);
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);

      expect(provider.requests).toHaveLength(env.RETRY_MAX_ATTEMPTS);
      expect(await redis.xlen(providerStream('assemblyai'))).toBe(1);
      expect(await entriesOf(FAILURES_STREAM)).toEqual([
        expect.objectContaining({ error_class: 'retryable', next_step: 'assemblyai' }),
      ]);
    });

    it('fails over without waiting when the provider asks for longer than RETRY_MAX_MS', async () => {
      await markLive('assemblyai');
      provider.failNext(providerError('retryable', 429, env.RETRY_MAX_MS + 1));
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);

      expect(provider.requests).toHaveLength(1);
      expect(await redis.xlen(providerStream('assemblyai'))).toBe(1);
    });

    it('dead-letters the chunk with a failed result when no provider of its chain is live', async () => {
      provider.failNext(providerError('permanent', 400));
      const { entry, context } = await deliver(encodeChunkEntry(chunk()));
      await processor().process(entry, context);

      const [letter] = await deadLetters();
      expect(letter.reason).toMatch(
        /^no live worker for the untried providers \(assemblyai, whisper\); last error: deepgram:400/,
      );
      expect(letter.errorHistory).toMatch(/deepgram:400/);
      expect(await sessionResults()).toEqual([
        expect.objectContaining({ status: 'failed', error: letter.reason }),
      ]);
      expect(await entriesOf(FAILURES_STREAM)).toEqual([
        expect.objectContaining({ next_step: 'dead-letter' }),
      ]);
      expect(context.isSettled()).toBe(true);
      expect(await pendingCount()).toBe(0);
    });

    it("counts outages against the provider's health, but not audio it refused", async () => {
      await markLive('whisper');
      provider.failNext(providerError('permanent', 400));
      const refused = await deliver(encodeChunkEntry(chunk({ chunkId: 'bad-audio' })));
      await processor().process(refused.entry, refused.context);
      const ok = await deliver(encodeChunkEntry(chunk({ chunkId: 'fine' })));
      await processor().process(ok.entry, ok.context);

      // Recorded in call order on one connection: once the success shows, an error would have too.
      await until(
        () => healthTotal('ok_total'),
        (n) => n === 1,
      );
      expect(await healthTotal('error_total')).toBe(0);
    });
  });
});
