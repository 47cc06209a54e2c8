import { recordFromPairs } from '@streamscribe/contracts';
import Redis from 'ioredis';
import {
  AppProcess,
  RedisHarness,
  TINY_WHISPER_TEXT,
  logRecords,
  loggedPort,
  speechWav,
  tinyModelDir,
  until,
} from '@streamscribe/testing';

// Two real worker-whisper processes on the tiny export and a real redis-server: start-up loads a
// model in an engine thread, so timeouts are generous; the only time bound checked is the one the
// reclaim design promises, read from Redis's own idle time in the peer's "entry reclaimed" log.
jest.setTimeout(240_000);

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
    const [a, b] = await Promise.all([start('whisper-a'), start('whisper-b')]);
    // 3 chunks of 120 s: 12 windows, two model batches, seconds of work in the engine thread.
    const chunk = (id: string) => [
      'audio',
      speechWav('ignored by the tiny model', { durationSeconds: 120 }),
      'session_id',
      'reclaim-s',
      'chunk_id',
      id,
      'seq',
      id.slice(1),
    ];
    // One MULTI, so the first blocked XREADGROUP hands all three to one worker: the victim.
    await redis
      .multi()
      .xadd('audio:stream:whisper', '*', ...chunk('c1'))
      .xadd('audio:stream:whisper', '*', ...chunk('c2'))
      .xadd('audio:stream:whisper', '*', ...chunk('c3'))
      .exec();
    const [owner] = await until(owners, (o) => o.length === 3 && new Set(o).size === 1);
    const [victim, peer] = owner === 'whisper-a' ? [a, b] : [b, a];

    // Mid-batch: the victim's first model batch has started (the batch-size histogram counts a
    // batch as it starts) and no chunk is finished yet.
    const batchesStarted = async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${loggedPort(victim.logs)}/metrics`)).text();
      return Number(
        /streamscribe_inference_batch_size_count\{provider="whisper"\} (\d+)/.exec(metrics)?.[1] ?? 0,
      );
    };
    await until(batchesStarted, (n) => n >= 1);
    expect(await redis.xlen('transcription:results:reclaim-s')).toBe(0);
    await victim.stop('SIGKILL');

    const entries = await until(
      () => redis.xrange('transcription:results:reclaim-s', '-', '+'),
      (r) => r.length >= 3,
      120_000,
    );
    const results = new Map(entries.map(([, flat]) => recordFromPairs(flat)).map((f) => [f['chunk_id'], f]));
    const text = Array.from({ length: 4 }, () => TINY_WHISPER_TEXT).join(' ');
    for (const id of ['c1', 'c2', 'c3'])
      expect(results.get(id)).toMatchObject({ text, status: 'ok', provider: 'whisper' });
    const reclaims = logRecords<{ from: string; idleMs: number }>(peer.logs, 'entry reclaimed');
    expect(reclaims).toHaveLength(3);
    // The sweep claims (XCLAIM) only entries it read with their owner and idle time (XPENDING).
    for (const { from, idleMs } of reclaims) {
      expect(from).toBe(owner);
      expect(idleMs).toBeGreaterThanOrEqual(MIN_IDLE_MS);
      expect(idleMs).toBeLessThanOrEqual(MIN_IDLE_MS + SWEEP_MS + SCHEDULING_SLACK_MS);
    }
    await until(owners, (o) => o.length === 0);

    // Drained on SIGTERM, the peer terminates its engine thread before it exits.
    expect(await peer.stop('SIGTERM')).toBe(0);
    const draining = peer.logs.indexOf('"msg":"draining"');
    expect(draining).toBeGreaterThan(-1);
    expect(peer.logs.indexOf('"msg":"inference thread terminated"')).toBeGreaterThan(draining);
  });
});
