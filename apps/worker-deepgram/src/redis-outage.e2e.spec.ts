import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  deepgramWorkerEnv,
  speechWav,
} from '@streamscribe/testing';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

describe('worker-deepgram and Redis outages', () => {
  let harness: RedisHarness;
  let deepgram: FakeDeepgramServer;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true, appendOnly: true });
    deepgram = await FakeDeepgramServer.start();
  });
  afterAll(async () => {
    await deepgram.close();
    await harness.close();
  });

  it('started while Redis is down, waits for it (health answering) and then consumes', async () => {
    await harness.stop();
    const starting = AppProcess.start(
      'worker-deepgram',
      deepgramWorkerEnv(harness.url, deepgram, { CONSUMER_NAME: 'patient', WORKER_BLOCK_MS: '200' }),
      45_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await harness.restart();
    const worker = await starting;
    const redis = harness.client();
    try {
      // It said why it was waiting, and started only once Redis answered.
      expect(worker.logs).toMatch(/"connection":"patient:commands","msg":"redis connection error"/);
      await redis.xadd(
        'audio:stream:deepgram',
        '*',
        'audio',
        speechWav('after the outage'),
        'session_id',
        'outage',
        'chunk_id',
        'c0',
        'seq',
        '0',
      );
      const deadline = Date.now() + 20_000;
      let results: [string, string[]][] = [];
      while (results.length === 0 && Date.now() < deadline) {
        results = await redis.xrange('transcription:results:outage', '-', '+');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(results[0][1]).toEqual(expect.arrayContaining(['text', 'after the outage']));
    } finally {
      redis.disconnect();
      expect(await worker.stop('SIGTERM')).toBe(0);
    }
  });
});
