import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';
import {
  AppProcess,
  RedisHarness,
  TINY_WHISPER_TEXT,
  sessionResults,
  tinyModelDir,
} from '@streamscribe/testing';
import { TestRouter, startTestRouter, keyedFetch as fetch } from './testing/router-stack';

// Real processes (redis-server, worker-whisper on ONNX Runtime, ffmpeg under the router) on a
// 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(120_000);

const SENTENCE = 'Compressed audio reaches the local model through the router, split into chunks.';

/** Speech from espeak-ng (22.05 kHz WAV), encoded by ffmpeg as a client would send it. */
function speech(encoder: string[]): Buffer {
  const wav = execFileSync('espeak-ng', ['--stdout', '-s', '150', SENTENCE]);
  return execFileSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-f', 'wav', '-i', 'pipe:0', ...encoder, 'pipe:1'],
    { input: wav },
  );
}

function spokenSeconds(): number {
  const wav = execFileSync('espeak-ng', ['--stdout', '-s', '150', SENTENCE]);
  return (wav.length - 44) / (22050 * 2);
}

describe('compressed audio transcribed by the local worker, through the router', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let worker: AppProcess;
  let router: TestRouter;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    worker = await AppProcess.start(
      'worker-whisper',
      {
        REDIS_URL: harness.url,
        WHISPER_MODEL_DIR: tinyModelDir('whisper'),
        PORT: '0',
        CONSUMER_NAME: 'whisper-compressed',
        INFERENCE_INTRA_OP_THREADS: '1',
        HEARTBEAT_INTERVAL_MS: '200',
        STREAM_TRIM_ACKED: 'false',
      },
      60_000,
    );
    router = await startTestRouter({ REDIS_URL: harness.url, LOAD_CACHE_MS: '0' });
  });
  afterAll(async () => {
    await router?.close();
    await worker?.stop();
    redis?.disconnect();
    await harness?.close();
  });

  // Made before any request: encoding blocks this process, and a keep-alive connection left idle
  // past the router's keep-alive timeout meanwhile could be closed just as the next request goes.
  const files = {
    mp3: speech(['-c:a', 'libmp3lame', '-b:a', '48k', '-f', 'mp3']),
    opus: speech(['-ar', '48000', '-c:a', 'libopus', '-b:a', '24k', '-f', 'ogg']),
  };

  it.each([
    ['an mp3', 'compressed-mp3', 'audio/mpeg', files.mp3],
    ['an ogg/opus file', 'compressed-opus', 'audio/ogg; codecs=opus', files.opus],
  ])(
    '%s is decoded, measured, split and transcribed by worker-whisper',
    async (_name, sessionId, contentType, file) => {
      const response = await fetch(
        `${router.base}/v1/transcriptions?wait=true&provider=whisper&chunkSeconds=2&sessionId=${sessionId}`,
        {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: file,
        },
      );
      const body = (await response.json()) as {
        chunks: number;
        durationSeconds: number;
        provider: string;
        transcript: { complete: boolean; chunks: { provider: string; text: string }[] };
      };
      expect(response.status).toBe(200);
      // Its length is measured from the decoded samples (codecs add a few ms of padding).
      const seconds = spokenSeconds();
      expect(body.durationSeconds).toBeGreaterThanOrEqual(seconds - 0.01);
      expect(body.durationSeconds).toBeLessThan(seconds + 0.1);
      expect(body).toMatchObject({ provider: 'whisper', chunks: Math.ceil(body.durationSeconds / 2) });
      expect(body.transcript.complete).toBe(true);
      // The tiny model says the same words for any audio it can read; a chunk it could not read fails.
      expect(body.transcript.chunks).toEqual(
        Array.from({ length: body.chunks }, () =>
          expect.objectContaining({ provider: 'whisper', text: TINY_WHISPER_TEXT }),
        ),
      );
      // What went to the worker's stream (kept: STREAM_TRIM_ACKED=false): 16 kHz mono PCM WAV chunks, not the upload's encoding.
      const entries = await redis.xrange('audio:stream:whisper', '-', '+');
      const ours = entries
        .map(([, fields]) => fields)
        .filter((fields) => fields[fields.indexOf('session_id') + 1] === sessionId);
      expect(ours).toHaveLength(body.chunks);
      for (const fields of ours) expect(fields[fields.indexOf('audio_format') + 1]).toBe('wav');
    },
  );

  it('decodes in the worker too: an mp3 written as the classic Python producer writes it (hex, no format)', async () => {
    await redis.xadd(
      'audio:stream:whisper',
      '*',
      'chunk_data',
      files.mp3.toString('hex'),
      'session_id',
      'classic-mp3',
      'chunk_id',
      'chunk_001',
      'timestamp',
      String(Date.now() / 1000),
      'real_time_required',
      'False',
      'accuracy_critical',
      'False',
      'cost_sensitive',
      'False',
      'fallback_providers',
      '',
    );
    const result = (await sessionResults(redis, 'classic-mp3', 1)).get('chunk_001');
    expect(result).toMatchObject({ text: TINY_WHISPER_TEXT, provider: 'whisper', status: 'ok' });
  });
});
