import { recordFromPairs } from '@streamscribe/contracts';
import Redis from 'ioredis';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  deepgramWorkerEnv,
  speechWav,
  until,
} from '@streamscribe/testing';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(30_000);

describe('worker-deepgram process', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    deepgram = await FakeDeepgramServer.start();
  });
  afterAll(async () => {
    redis.disconnect();
    await deepgram.close();
    await harness.close();
  });

  const env = (overrides: Record<string, string> = {}) =>
    deepgramWorkerEnv(harness.url, deepgram, { CONSUMER_NAME: 'deepgram-test-consumer', ...overrides });

  it('refuses to start without an API key, and says which variable to set', async () => {
    await expect(AppProcess.start('worker-deepgram', env({ DEEPGRAM_API_KEY: '' }))).rejects.toThrow(
      /DEEPGRAM_API_KEY is required/,
    );
  });

  it('refuses a bad setting, naming the variable', async () => {
    await expect(AppProcess.start('worker-deepgram', env({ WORKER_CONCURRENCY: 'lots' }))).rejects.toThrow(
      /WORKER_CONCURRENCY="lots": .*must be an integer/,
    );
  });

  it('joins its group with a heartbeat, and on SIGTERM leaves both and exits 0', async () => {
    const worker = await AppProcess.start('worker-deepgram', env());
    const groups = (await redis.xinfo('GROUPS', 'audio:stream:deepgram')) as unknown[][];
    expect(groups[0]).toContain('deepgram_workers');
    expect(await redis.zscore('streamscribe:heartbeats:deepgram', 'deepgram-test-consumer')).not.toBeNull();
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(await redis.zscore('streamscribe:heartbeats:deepgram', 'deepgram-test-consumer')).toBeNull();
    expect(await redis.xinfo('CONSUMERS', 'audio:stream:deepgram', 'deepgram_workers')).toEqual([]);
  });

  describe('failures', () => {
    let worker: AppProcess;
    const workerEnv = () =>
      env({
        RETRY_BASE_MS: '10',
        RETRY_MAX_ATTEMPTS: '3',
        WORKER_BLOCK_MS: '100',
        RECLAIM_MIN_IDLE_MS: '300',
        RECLAIM_INTERVAL_MS: '100',
        MAX_DELIVERIES: '2',
      });
    beforeAll(async () => {
      worker = await AppProcess.start('worker-deepgram', workerEnv());
    }, 30_000);
    afterAll(async () => {
      await worker.stop();
    });
    afterEach(() => deepgram.reset());

    const chunk = (chunkId: string, text: string, extra: string[] = []) =>
      redis.xadd(
        'audio:stream:deepgram',
        '*',
        'audio',
        speechWav(text),
        'session_id',
        'fail-s',
        'chunk_id',
        chunkId,
        'seq',
        chunkId.replace(/\D/g, ''),
        ...extra,
      );
    const pending = async () =>
      ((await redis.xpending('audio:stream:deepgram', 'deepgram_workers')) as [number])[0];
    const deadLetters = () => redis.xrange('transcription:dead-letters', '-', '+');

    it('sends a poison entry to the dead-letter stream on its first delivery and keeps consuming', async () => {
      const poisonId = await redis.xadd(
        'audio:stream:deepgram',
        '*',
        'garbage',
        'yes',
        'chunk_data',
        'not hex',
      );
      await chunk('c1', 'after the poison');
      const letters = await until(deadLetters, (l) => l.some(([, f]) => f.includes(poisonId as string)));
      const letter = recordFromPairs(
        letters.find(([, f]) => f.includes(poisonId as string))?.[1] as string[],
      );
      expect(letter).toMatchObject({
        garbage: 'yes',
        source_stream: 'audio:stream:deepgram',
        failed_provider: 'deepgram',
      });
      expect(letter['dead_letter_reason']).toMatch(/malformed stream entry: .*missing field 'session_id'/);
      await until(
        () => redis.xlen('transcription:results:fail-s'),
        (n) => n === 1,
      );
      await until(pending, (n) => n === 0);
    });

    it('retries retryable errors with backoff, then succeeds', async () => {
      deepgram.failNext(2, { status: 503 });
      await chunk('c2', 'third time lucky');
      const results = await until(
        () => redis.xrange('transcription:results:fail-s', '-', '+'),
        (r) => r.some(([, f]) => f.includes('c2')),
      );
      expect(recordFromPairs(results.find(([, f]) => f.includes('c2'))?.[1] as string[])).toMatchObject({
        text: 'third time lucky',
        status: 'ok',
      });
      expect(deepgram.requests.map((r) => r.status)).toEqual([503, 503, 200]);
      await until(pending, (n) => n === 0);
    });

    it('fails a permanent error over to the next live provider, atomically, with its history', async () => {
      await redis.zadd('streamscribe:heartbeats:assemblyai', Date.now() + 60_000, 'fake-assemblyai-consumer');
      deepgram.failNext(1, { status: 401 });
      await chunk('c3', 'to assemblyai', ['fallback_providers', 'assemblyai']);
      const moved = await until(
        () => redis.xrange('audio:stream:assemblyai', '-', '+'),
        (e) => e.length === 1,
      );
      expect(recordFromPairs(moved[0][1])).toMatchObject({
        chunk_id: 'c3',
        attempted_providers: 'deepgram',
        retry_count: '1',
        original_provider: 'deepgram',
      });
      expect(recordFromPairs(moved[0][1])['error_history']).toMatch(/deepgram:401/);
      expect(deepgram.requests).toHaveLength(1);
      await until(pending, (n) => n === 0);
      const failures = await redis.xrange('transcription:failures', '-', '+');
      expect(failures.map(([, f]) => recordFromPairs(f)).find((f) => f['chunk_id'] === 'c3')).toMatchObject({
        failed_provider: 'deepgram',
        error_class: 'permanent',
        next_step: 'assemblyai',
      });
      await redis.del('streamscribe:heartbeats:assemblyai');
    });

    it('dead-letters a chunk whose chain is exhausted and gives the session a terminal failed result', async () => {
      deepgram.failNext(3, { status: 500 });
      await chunk('c4', 'nowhere to go', ['fallback_providers', 'whisper']);
      const results = await until(
        () => redis.xrange('transcription:results:fail-s', '-', '+'),
        (r) => r.some(([, f]) => f.includes('c4')),
      );
      const result = recordFromPairs(results.find(([, f]) => f.includes('c4'))?.[1] as string[]);
      expect(result).toMatchObject({ status: 'failed', provider: 'deepgram' });
      expect(result['error']).toMatch(/no live worker for the untried providers \(whisper\).*deepgram:500/);
      const letter = (await deadLetters())
        .map(([, f]) => recordFromPairs(f))
        .find((f) => f['chunk_id'] === 'c4');
      expect(letter?.['error_history']).toMatch(/deepgram:500/);
      expect(deepgram.requests).toHaveLength(3);
      await until(pending, (n) => n === 0);
    });

    it("transcribes a killed consumer's chunks after the min-idle time, and dead-letters one delivered too often", async () => {
      await worker.stop();
      await chunk('c5', 'orphaned');
      const poisonId = (await chunk('c6', 'poison')) as string;
      // Another consumer takes both and dies without acknowledging; c6 had been delivered many times.
      await redis.xreadgroup(
        'GROUP',
        'deepgram_workers',
        'killed-consumer',
        'COUNT',
        10,
        'STREAMS',
        'audio:stream:deepgram',
        '>',
      );
      await redis.xclaim(
        'audio:stream:deepgram',
        'deepgram_workers',
        'killed-consumer',
        0,
        poisonId,
        'RETRYCOUNT',
        5,
      );
      worker = await AppProcess.start('worker-deepgram', workerEnv());
      const results = await until(
        () => redis.xrange('transcription:results:fail-s', '-', '+'),
        (r) => r.some(([, f]) => f.includes('c5')),
      );
      expect(recordFromPairs(results.find(([, f]) => f.includes('c5'))?.[1] as string[])).toMatchObject({
        text: 'orphaned',
        status: 'ok',
      });
      const letters = await until(deadLetters, (l) => l.some(([, f]) => f.includes('c6')));
      expect(
        recordFromPairs(letters.find(([, f]) => f.includes('c6'))?.[1] as string[])['dead_letter_reason'],
      ).toMatch(/delivered \d+ times \(MAX_DELIVERIES 2\)/);
      await until(pending, (n) => n === 0);
    });
  });
});
