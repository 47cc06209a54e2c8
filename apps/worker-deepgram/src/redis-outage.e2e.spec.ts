import {
  AppProcess,
  READY_LINE,
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
    const worker = AppProcess.launch(
      'worker-deepgram',
      deepgramWorkerEnv(harness.url, deepgram, { CONSUMER_NAME: 'patient', WORKER_BLOCK_MS: '200' }),
    );
    // It says why it is waiting (however long a loaded machine takes to get that far), and starts
    // consuming only once Redis answers.
    await worker.waitForOutput(/"connection":"patient:commands","msg":"redis connection error"/, 45_000);
    expect(worker.logs).not.toMatch(READY_LINE);
    await harness.restart();
    await worker.waitForOutput(READY_LINE, 45_000);
    const redis = harness.client();
    try {
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
      const code = await worker.stop('SIGTERM');
      // The logs say why, when a drain does not end cleanly.
      expect({ code, logs: code === 0 ? '' : worker.logs.slice(-4000) }).toEqual({ code: 0, logs: '' });
    }
  });
});
