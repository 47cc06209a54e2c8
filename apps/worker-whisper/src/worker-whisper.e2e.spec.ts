import { recordFromPairs } from '@streamscribe/contracts';
import Redis from 'ioredis';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppProcess,
  RedisHarness,
  TINY_WHISPER_DETECTED_LANGUAGE,
  TINY_WHISPER_TEXT,
  loggedPort,
  sessionResults,
  speechWav,
  tinyModelDir,
} from '@streamscribe/testing';

// Real processes and real ONNX Runtime sessions on a 2-core machine: generous timeouts, never
// wall-clock assertions.
jest.setTimeout(60_000);

describe('worker-whisper process on the tiny Whisper export', () => {
  let harness: RedisHarness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  const env = (overrides: Record<string, string> = {}) => ({
    REDIS_URL: harness.url,
    WHISPER_MODEL_DIR: tinyModelDir('whisper'),
    PORT: '0',
    CONSUMER_NAME: 'whisper-test-consumer',
    INFERENCE_INTRA_OP_THREADS: '1',
    ...overrides,
  });

  it('refuses to start without a model directory, and says how to get one', async () => {
    await expect(AppProcess.start('worker-whisper', env({ WHISPER_MODEL_DIR: '' }))).rejects.toThrow(
      /WHISPER_MODEL_DIR is required: run `npm run models:download -- whisper-base`/,
    );
  });

  it('names the files a model directory lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whisper-partial-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    await expect(AppProcess.start('worker-whisper', env({ WHISPER_MODEL_DIR: dir }))).rejects.toThrow(
      /lacks generation_config\.json, preprocessor_config\.json, tokenizer\.json, onnx\/encoder_model\.onnx, onnx\/decoder_model_merged\.onnx/,
    );
  });

  it('with INFERENCE_DEVICE=cuda on a machine without CUDA, fails fast and says what to do', async () => {
    await expect(AppProcess.start('worker-whisper', env({ INFERENCE_DEVICE: 'cuda' }))).rejects.toThrow(
      /worker-whisper failed to start: INFERENCE_DEVICE=cuda but ONNX Runtime's CUDA execution provider did not load .* INFERENCE_DEVICE=auto/,
    );
  });

  describe('running with INFERENCE_DEVICE=auto', () => {
    let worker: AppProcess;
    beforeAll(async () => {
      worker = await AppProcess.start(
        'worker-whisper',
        env({ INFERENCE_BATCH_SIZE: '4', INFERENCE_BATCH_WAIT_MS: '300' }),
        60_000,
      );
    });
    afterAll(async () => {
      await worker.stop();
    });

    it('fell back to CPU saying so, and loaded and warmed the model before it said ready', async () => {
      const logs = worker.logs;
      expect(logs).toMatch(
        /"msg":"INFERENCE_DEVICE=auto: the CUDA execution provider did not load, running on CPU"/,
      );
      expect(logs.indexOf('model loaded and warmed up')).toBeGreaterThan(-1);
      expect(logs.indexOf('model loaded and warmed up')).toBeLessThan(logs.indexOf('"msg":"worker ready"'));
      const ready = await fetch(`http://127.0.0.1:${loggedPort(logs)}/health/ready`);
      expect(ready.status).toBe(200);
    });

    it('transcribes chunks from the stream to the known text, batching the ones that arrive together', async () => {
      const chunk = (id: string, seconds: number) => [
        'audio',
        speechWav('ignored by the tiny model', { durationSeconds: seconds }),
        'session_id',
        'w-s',
        'chunk_id',
        id,
        'seq',
        id.slice(1),
      ];
      // One MULTI, so one XREADGROUP hands all three to the worker at once.
      await redis
        .multi()
        .xadd('audio:stream:whisper', '*', ...chunk('c1', 1))
        .xadd('audio:stream:whisper', '*', ...chunk('c2', 4))
        .xadd('audio:stream:whisper', '*', ...chunk('c3', 2.5))
        .exec();
      const results = await sessionResults(redis, 'w-s', 3);
      for (const id of ['c1', 'c2', 'c3']) {
        const result = results.get(id) ?? {};
        expect(result).toMatchObject({
          text: TINY_WHISPER_TEXT,
          provider: 'whisper',
          status: 'ok',
          language: TINY_WHISPER_DETECTED_LANGUAGE,
        });
        expect(Number(result['confidence'])).toBeGreaterThan(0.9);
        expect(Number(result['confidence'])).toBeLessThanOrEqual(1);
      }
      const metrics = await (await fetch(`http://127.0.0.1:${loggedPort(worker.logs)}/metrics`)).text();
      expect(metrics).toMatch(/streamscribe_inference_batch_size_sum\{provider="whisper"\} 3/);
      expect(metrics).toMatch(/streamscribe_inference_batch_size_count\{provider="whisper"\} 1/);
    });

    it('decodes audio longer than 30 s window by window', async () => {
      await redis.xadd(
        'audio:stream:whisper',
        '*',
        'audio',
        speechWav('long', { durationSeconds: 31 }),
        'session_id',
        'w-long',
        'chunk_id',
        'long1',
      );
      const result = (await sessionResults(redis, 'w-long', 1)).get('long1');
      expect(result).toMatchObject({ text: `${TINY_WHISPER_TEXT} ${TINY_WHISPER_TEXT}`, status: 'ok' });
    });

    it('gives unreadable audio a failed result without retrying it', async () => {
      await redis.xadd(
        'audio:stream:whisper',
        '*',
        'audio',
        Buffer.from('RIFF....WAVEnot really'),
        'audio_format',
        'wav',
        'session_id',
        'w-bad',
        'chunk_id',
        'bad1',
      );
      const result = (await sessionResults(redis, 'w-bad', 1)).get('bad1');
      expect(result).toMatchObject({ status: 'failed', provider: 'whisper' });
      expect(result?.['error']).toMatch(/WAV header truncated/);
      const failures = await redis.xrange('transcription:failures', '-', '+');
      expect(failures.map(([, f]) => recordFromPairs(f)).filter((f) => f['chunk_id'] === 'bad1')).toEqual([
        expect.objectContaining({ failed_provider: 'whisper', error_class: 'permanent' }),
      ]);
    });
  });
});
