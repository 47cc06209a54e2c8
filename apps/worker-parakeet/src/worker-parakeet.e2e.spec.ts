import Redis from 'ioredis';
import {
  AppProcess,
  RedisHarness,
  loggedPort,
  sessionResults,
  speechPcm,
  speechWav,
  tinyModelDir,
  tinyParakeetText,
} from '@streamscribe/testing';

// Real processes and real ONNX Runtime sessions on a 2-core machine: generous timeouts, never
// wall-clock assertions.
jest.setTimeout(60_000);

describe('worker-parakeet process on the tiny Parakeet TDT export', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let worker: AppProcess;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    worker = await AppProcess.start(
      'worker-parakeet',
      {
        REDIS_URL: harness.url,
        PARAKEET_MODEL_DIR: tinyModelDir('parakeet'),
        PORT: '0',
        INFERENCE_DEVICE: 'cpu',
        INFERENCE_BATCH_SIZE: '8',
        INFERENCE_BATCH_WAIT_MS: '300',
      },
      60_000,
    );
  });
  afterAll(async () => {
    await worker?.stop();
    redis.disconnect();
    await harness.close();
  });

  it('refuses to start without a model directory, and says how to get one', async () => {
    await expect(AppProcess.start('worker-parakeet', { REDIS_URL: harness.url, PORT: '0' })).rejects.toThrow(
      /PARAKEET_MODEL_DIR is required: run `npm run models:download -- parakeet-tdt-0.6b-v2`/,
    );
  });

  it('is ready only once the model is loaded and warmed up, on the device it was told', async () => {
    expect(worker.logs).toMatch(/"device":"cpu"[^\n]*"msg":"model loaded and warmed up"/);
    expect(worker.logs).not.toMatch(/CUDA execution provider did not load/);
    expect((await fetch(`http://127.0.0.1:${loggedPort(worker.logs)}/health/ready`)).status).toBe(200);
  });

  it('decodes chunks of different lengths in one batch, each over its own length, with word times', async () => {
    const seconds = { p1: 1, p2: 2, p3: 0.5, p4: 3.5 };
    const multi = redis.multi();
    for (const [id, s] of Object.entries(seconds)) {
      // p3 arrives as raw l16 at 8 kHz: resampled in memory like any other.
      const audio =
        id === 'p3'
          ? speechPcm('x', { durationSeconds: s }).subarray(0, s * 8000 * 2)
          : speechWav('x', { durationSeconds: s });
      const format = id === 'p3' ? ['audio_format', 'l16', 'sample_rate', '8000'] : [];
      multi.xadd(
        'audio:stream:parakeet',
        '*',
        'audio',
        audio,
        'session_id',
        'p-s',
        'chunk_id',
        id,
        ...format,
      );
    }
    await multi.exec();
    const results = await sessionResults(redis, 'p-s', 4);
    for (const [id, s] of Object.entries(seconds)) {
      expect(results.get(id)).toMatchObject({
        text: tinyParakeetText(s),
        provider: 'parakeet',
        status: 'ok',
        language: 'en',
      });
    }
    expect(results.get('p1')?.['text']).toBe('the quick brown');
    expect(results.get('p4')?.['text']).toBe('the quick brown fox jumps over a lazy dog');
    const words = JSON.parse(results.get('p1')?.['words'] ?? '[]') as {
      word: string;
      start: number;
      end: number;
      confidence: number;
    }[];
    expect(words.map(({ word, start, end }) => [word, start, end])).toEqual([
      ['the', 0, 0.32],
      ['quick', 0.32, 0.96],
      // Its frames run to 1.28 s; capped at the end of the 1 s of audio.
      ['brown', 0.96, 1],
    ]);
    for (const w of words) expect(w.confidence).toBeGreaterThan(0.9);
    const metrics = await (await fetch(`http://127.0.0.1:${loggedPort(worker.logs)}/metrics`)).text();
    expect(metrics).toMatch(/streamscribe_inference_batch_size_sum\{provider="parakeet"\} 4/);
    expect(metrics).toMatch(/streamscribe_inference_batch_size_count\{provider="parakeet"\} 1/);
  });
});
