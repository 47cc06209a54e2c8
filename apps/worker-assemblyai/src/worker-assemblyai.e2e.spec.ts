import { recordFromPairs } from '@streamscribe/contracts';
import Redis from 'ioredis';
import { AppProcess, FakeAssemblyAIServer, RedisHarness, speechWav, until } from '@streamscribe/testing';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(30_000);

/** The HTTP port a worker started with PORT=0 logged in its "worker ready" line. */
function portOf(app: AppProcess): number {
  return Number(/"port":(\d+)[^\n]*"msg":"worker ready"/.exec(app.logs)?.[1]);
}

describe('worker-assemblyai process', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let assemblyai: FakeAssemblyAIServer;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    assemblyai = await FakeAssemblyAIServer.start();
  });
  afterAll(async () => {
    redis.disconnect();
    await assemblyai.close();
    await harness.close();
  });
  afterEach(() => assemblyai.reset());

  const env = (overrides: Record<string, string> = {}) => ({
    REDIS_URL: harness.url,
    ASSEMBLYAI_API_KEY: FakeAssemblyAIServer.DEFAULT_API_KEY,
    ASSEMBLYAI_BASE_URL: assemblyai.url,
    ASSEMBLYAI_POLLING_INTERVAL_MS: '50',
    PORT: '0',
    WORKER_BLOCK_MS: '100',
    RETRY_BASE_MS: '10',
    ...overrides,
  });
  const chunk = (sessionId: string, chunkId: string, text: string, extra: string[] = []) =>
    redis.xadd(
      'audio:stream:assemblyai',
      '*',
      'audio',
      speechWav(text),
      'audio_format',
      'wav',
      'session_id',
      sessionId,
      'chunk_id',
      chunkId,
      'seq',
      '0',
      ...extra,
    );
  const resultOf = async (sessionId: string) =>
    (
      await until(
        () => redis.xrange(`transcription:results:${sessionId}`, '-', '+'),
        (r) => r.length > 0,
      )
    ).map(([, f]) => recordFromPairs(f))[0];

  it('refuses to start without an API key, and says which variable to set', async () => {
    await expect(AppProcess.start('worker-assemblyai', env({ ASSEMBLYAI_API_KEY: '' }))).rejects.toThrow(
      /ASSEMBLYAI_API_KEY is required/,
    );
  });

  it("transcribes a chunk with the chunk's options, and writes who produced it and what it cost", async () => {
    const worker = await AppProcess.start('worker-assemblyai', env({ CONSUMER_NAME: 'assemblyai-e2e' }));
    try {
      await chunk('aai-ok', 'c0', 'Hello from AssemblyAI.', [
        'language',
        'en-GB',
        'diarize',
        'True',
        'keywords',
        'AssemblyAI,Redis',
      ]);
      const result = await resultOf('aai-ok');
      expect(result).toMatchObject({
        status: 'ok',
        provider: 'assemblyai',
        text: 'Hello from AssemblyAI.',
        language: 'en_uk',
        model: 'universal',
        duration: '1',
        // 1 s at 0.0025 USD per minute.
        cost_usd: '0.000042',
      });
      expect(JSON.parse(result['words'])).toEqual([
        { word: 'Hello', start: 0, end: 0.333, confidence: 0.98, speaker: 0 },
        { word: 'from', start: 0.333, end: 0.667, confidence: 0.98, speaker: 0 },
        { word: 'AssemblyAI.', start: 0.667, end: 1, confidence: 0.98, speaker: 0 },
      ]);
      expect(assemblyai.requests.find((r) => r.path === '/v2/transcript')?.json).toMatchObject({
        language_code: 'en_uk',
        speaker_labels: true,
        keyterms_prompt: ['AssemblyAI', 'Redis'],
      });
      expect(await redis.hgetall('streamscribe:session:aai-ok:cost')).toEqual({
        'assemblyai:micros': '42',
        'assemblyai:audio_ms': '1000',
        'assemblyai:chunks': '1',
        total_micros: '42',
      });
      const metrics = await (await fetch(`http://127.0.0.1:${portOf(worker)}/metrics`)).text();
      expect(metrics).toMatch(
        /streamscribe_cost_usd_total\{provider="assemblyai",model="universal"\} 0\.000042/,
      );
    } finally {
      await worker.stop();
    }
  });

  it('with a wrong key: says so once, reports not-ready, and moves the chunk on without retrying', async () => {
    const worker = await AppProcess.start(
      'worker-assemblyai',
      env({ ASSEMBLYAI_API_KEY: 'revoked-key', CONSUMER_NAME: 'assemblyai-wrong-key' }),
    );
    try {
      await chunk('aai-401', 'c0', 'nobody hears this', ['fallback_providers', 'whisper']);
      const result = await resultOf('aai-401');
      expect(result).toMatchObject({ status: 'failed', provider: 'assemblyai' });
      expect(result['error']).toMatch(
        /assemblyai:401 AssemblyAI answered 401: Authentication error, API token missing\/invalid \(check ASSEMBLYAI_API_KEY\)/,
      );
      await worker.waitForOutput(
        /"msg":"assemblyai rejected the API key \(401\): set a valid ASSEMBLYAI_API_KEY; chunks fail over until then"/,
      );
      expect(assemblyai.requests).toHaveLength(1);
      const ready = await fetch(`http://127.0.0.1:${portOf(worker)}/health/ready`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toMatch(/assemblyai rejected ASSEMBLYAI_API_KEY \(401\)/);
      const metrics = await (await fetch(`http://127.0.0.1:${portOf(worker)}/metrics`)).text();
      expect(metrics).toMatch(/streamscribe_provider_credential_rejections_total\{provider="assemblyai"\} 1/);
    } finally {
      await worker.stop();
    }
  });
});
