import { recordFromPairs } from '@streamscribe/contracts';
import Redis from 'ioredis';
import {
  AppProcess,
  FakeAssemblyAIServer,
  FakeDeepgramServer,
  RedisHarness,
  freePort,
  speechWav,
  TEST_ADMIN_API_KEY,
  keyedFetch as fetch,
  startDeepgramWorker,
} from '@streamscribe/testing';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('router → AssemblyAI fails → Deepgram transcribes (fallback), end to end on real Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let assemblyai: FakeAssemblyAIServer;
  let deepgram: FakeDeepgramServer;
  let apps: AppProcess[] = [];
  let base: string;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    [assemblyai, deepgram] = await Promise.all([FakeAssemblyAIServer.start(), FakeDeepgramServer.start()]);
    const common = {
      REDIS_URL: harness.url,
      WORKER_BLOCK_MS: '100',
      HEARTBEAT_INTERVAL_MS: '200',
      RETRY_BASE_MS: '10',
    };
    const routerPort = await freePort();
    apps = await Promise.all([
      AppProcess.start('worker-assemblyai', {
        ...common,
        PORT: '0',
        ASSEMBLYAI_API_KEY: FakeAssemblyAIServer.DEFAULT_API_KEY,
        ASSEMBLYAI_BASE_URL: assemblyai.url,
        ASSEMBLYAI_POLLING_INTERVAL_MS: '50',
      }),
      startDeepgramWorker(harness.url, deepgram, common),
      AppProcess.start('router', {
        REDIS_URL: harness.url,
        PORT: String(routerPort),
        LOAD_CACHE_MS: '0',
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
      }),
    ]);
    base = `http://127.0.0.1:${routerPort}`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await Promise.all([assemblyai?.close(), deepgram?.close()]);
    redis?.disconnect();
    await harness?.close();
  });

  async function transcriptWhenComplete(sessionId: string): Promise<Body> {
    for (let i = 0; ; i++) {
      const response = await fetch(`${base}/v1/sessions/${sessionId}/transcript`);
      const body = (await response.json()) as Body;
      if (body['complete']) return body;
      if (i > 400) throw new Error(`transcript never completed: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('says in the transcript that Deepgram produced the chunk AssemblyAI failed, and what it cost', async () => {
    assemblyai.failTranscripts(1, 'Transcoding failed. File does not appear to contain audio.');
    const posted = await fetch(
      `${base}/v1/sessions/fallback-1/chunks?provider=assemblyai&fallback=deepgram&diarize=true&keywords=Redis`,
      {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: speechWav('Rescued by Deepgram.', { durationSeconds: 2 }),
      },
    );
    expect(posted.status).toBe(202);
    expect(await posted.json()).toMatchObject({ provider: 'assemblyai' });

    const transcript = await transcriptWhenComplete('fallback-1');
    expect(transcript).toMatchObject({ text: 'Rescued by Deepgram.', failedCount: 0 });
    expect(transcript['chunks']).toEqual([
      expect.objectContaining({
        status: 'ok',
        provider: 'deepgram',
        model: 'nova-3',
        durationSeconds: 2,
        // 2 s at 0.0043 USD per minute, in whole micro-dollars.
        costUsd: 0.000143,
        words: [
          { word: 'Rescued', start: 0, end: 0.667, confidence: 0.99, speaker: 0 },
          { word: 'by', start: 0.667, end: 1.333, confidence: 0.99, speaker: 0 },
          { word: 'Deepgram.', start: 1.333, end: 2, confidence: 0.99, speaker: 0 },
        ],
      }),
    ]);
    expect(transcript['cost']).toEqual({
      totalUsd: 0.000143,
      byProvider: { deepgram: { usd: 0.000143, audioSeconds: 2, chunks: 1 } },
    });

    // The default tenant's costs this month: this spec's only session.
    expect(await (await fetch(`${base}/v1/costs`)).json()).toEqual({
      tenant: 'default',
      month: expect.stringMatching(/^\d{4}-\d{2}$/),
      ...transcript['cost'],
    });

    // AssemblyAI really was asked, and its failure is on record with the transcript id.
    expect(assemblyai.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}$/, '{id}')}`)).toEqual(
      [
        'POST /v2/upload',
        'POST /v2/transcript',
        'GET /v2/transcript/{id}',
        'GET /v2/transcript/{id}',
        'GET /v2/transcript/{id}',
      ],
    );
    const failures = (await redis.xrange('transcription:failures', '-', '+')).map(([, f]) =>
      recordFromPairs(f),
    );
    expect(failures).toEqual([
      expect.objectContaining({
        failed_provider: 'assemblyai',
        error_class: 'permanent',
        next_step: 'deepgram',
        error: expect.stringMatching(
          /^assemblyai:permanent req=[0-9a-f-]{36} AssemblyAI transcript [0-9a-f-]{36} ended in error: Transcoding failed/,
        ),
      }),
    ]);
    // Deepgram got the client's options with the chunk.
    expect(deepgram.requests[0].query).toMatchObject({ diarize: 'true', keyterm: 'Redis', model: 'nova-3' });
  });
});
