import Redis from 'ioredis';
import {
  AppProcess,
  RedisHarness,
  TINY_WHISPER_TEXT,
  sessionResults,
  speechWav,
  tinyModelDir,
  until,
} from '@streamscribe/testing';

// Two real worker-whisper processes on the tiny export and a real redis-server: start-up loads a
// model in an engine thread, so timeouts are generous; the only time bound checked is the one the
// reclaim design promises, read from Redis's own idle time in the peer's "entry reclaimed" log.
jest.setTimeout(90_000);

const MIN_IDLE_MS = 3000;
const SWEEP_MS = 500;
/** A busy 2-core machine delays timers and Redis replies; this much is allowed beyond one sweep. */
const SCHEDULING_SLACK_MS = 1500;

describe('worker-whisper SIGKILLed mid-batch', () => {
  let harness: RedisHarness;
  let redis: Redis;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    redis.disconnect();
    await harness.close();
  });

  const start = async (consumer: string, overrides: Record<string, string> = {}) => {
    const worker = await AppProcess.start(
      'worker-whisper',
      {
        REDIS_URL: harness.url,
        WHISPER_MODEL_DIR: tinyModelDir('whisper'),
        PORT: '0',
        CONSUMER_NAME: consumer,
        INFERENCE_INTRA_OP_THREADS: '1',
        RECLAIM_MIN_IDLE_MS: String(MIN_IDLE_MS),
        RECLAIM_INTERVAL_MS: String(SWEEP_MS),
        ...overrides,
      },
      60_000,
    );
    workers.push(worker);
    return worker;
  };

  const owners = async () => {
    const pending = (await redis.xpending('audio:stream:whisper', 'whisper_workers', '-', '+', 100)) as [
      string,
      string,
      number,
      number,
    ][];
    return pending.map(([, owner]) => owner);
  };

  it("a peer takes the dead worker's chunks within min-idle plus one sweep and transcribes them", async () => {
    // The victim gathers a batch for up to a minute: the chunks sit in its micro-batcher, read and
    // leased, when it dies.
    const victim = await start('whisper-victim', {
      INFERENCE_BATCH_WAIT_MS: '60000',
      INFERENCE_BATCH_SIZE: '8',
    });
    const chunk = (id: string) => [
      'audio',
      speechWav('ignored by the tiny model', { durationSeconds: 2 }),
      'session_id',
      'reclaim-s',
      'chunk_id',
      id,
      'seq',
      id.slice(1),
    ];
    await redis
      .multi()
      .xadd('audio:stream:whisper', '*', ...chunk('c1'))
      .xadd('audio:stream:whisper', '*', ...chunk('c2'))
      .xadd('audio:stream:whisper', '*', ...chunk('c3'))
      .exec();
    await until(owners, (o) => o.length === 3 && o.every((owner) => owner === 'whisper-victim'));

    // The peer starts only now, so it cannot have read the chunks itself; it reclaims them.
    const peer = await start('whisper-peer');
    await victim.stop('SIGKILL');

    const results = await sessionResults(redis, 'reclaim-s', 3);
    for (const id of ['c1', 'c2', 'c3'])
      expect(results.get(id)).toMatchObject({ text: TINY_WHISPER_TEXT, status: 'ok', provider: 'whisper' });
    const reclaims = peer.logs
      .split('\n')
      .filter((line) => line.includes('"msg":"entry reclaimed"'))
      .map((line) => JSON.parse(line) as { from: string; idleMs: number });
    expect(reclaims.map((r) => r.from)).toEqual(['whisper-victim', 'whisper-victim', 'whisper-victim']);
    for (const { idleMs } of reclaims) {
      expect(idleMs).toBeGreaterThanOrEqual(MIN_IDLE_MS);
      expect(idleMs).toBeLessThanOrEqual(MIN_IDLE_MS + SWEEP_MS + SCHEDULING_SLACK_MS);
    }
    await until(owners, (o) => o.length === 0);
  });
});
