import Redis from 'ioredis';
import {
  FakeDeepgramServer,
  RedisHarness,
  readSpeechTranscriber,
  speechWav,
  startDeepgramWorker,
  until,
} from '@streamscribe/testing';
import { countResults } from './chaos-verdict';

// Real processes on a 2-core machine: generous timeouts; assertions are counts, never times.
jest.setTimeout(120_000);

describe('SIGTERM under load', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  /** Provider calls per spoken text: a chunk delivered twice is transcribed twice. */
  let calls: Map<string, number>;

  beforeEach(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    deepgram = await FakeDeepgramServer.start();
    calls = new Map();
    deepgram.setTranscriber((audio, query) => {
      const text = readSpeechTranscriber(audio, query);
      calls.set(text, (calls.get(text) ?? 0) + 1);
      return text;
    });
  });
  afterEach(async () => {
    redis.disconnect();
    await deepgram.close();
    await harness.close();
  });

  const startWorker = (name: string, env: Record<string, string>) =>
    startDeepgramWorker(harness.url, deepgram, {
      CONSUMER_NAME: name,
      WORKER_CONCURRENCY: '8',
      WORKER_BLOCK_MS: '200',
      RECLAIM_INTERVAL_MS: '200',
      ...env,
    });
  async function enqueue(count: number): Promise<void> {
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i++) {
      pipeline.xadd(
        'audio:stream:deepgram',
        '*',
        'audio',
        speechWav(`load ${i}`),
        'session_id',
        'drain',
        'chunk_id',
        `c${i}`,
        'seq',
        String(i),
      );
    }
    await pipeline.exec();
  }
  const results = () => countResults(redis, ['drain']);
  const pending = async () =>
    ((await redis.xpending('audio:stream:deepgram', 'deepgram_workers')) as [number])[0];
  const transcribedTwice = () => [...calls].filter(([, n]) => n > 1).map(([text]) => text);

  it('finishes in-flight chunks, exits 0, and no chunk is transcribed twice', async () => {
    deepgram.setLatency(60);
    const [a, b] = [
      await startWorker('drain-a', { RECLAIM_MIN_IDLE_MS: '1000' }),
      await startWorker('drain-b', { RECLAIM_MIN_IDLE_MS: '1000' }),
    ];
    await enqueue(200);
    await until(results, (n) => n >= 40, 60_000);
    expect(await a.stop('SIGTERM')).toBe(0);
    expect(a.logs).not.toMatch(/drain timed out/);
    await until(results, (n) => n === 200, 60_000);
    expect(calls.size).toBe(200);
    expect(transcribedTwice()).toEqual([]);
    expect(await b.stop('SIGTERM')).toBe(0);
    expect(await pending()).toBe(0);
    // The drained worker left its group: it holds nothing.
    const consumers = (
      (await redis.xinfo('CONSUMERS', 'audio:stream:deepgram', 'deepgram_workers')) as string[][]
    ).map((c) => c[1]);
    expect(consumers).not.toContain('drain-a');
  });

  it('past its grace period, leaves unfinished chunks pending for a peer, which transcribes them', async () => {
    deepgram.setLatency(4000);
    const slow = await startWorker('slow', { DRAIN_TIMEOUT_MS: '300', RECLAIM_MIN_IDLE_MS: '1500' });
    await enqueue(8);
    await until(pending, (n) => n === 8, 60_000);
    expect(await slow.stop('SIGTERM')).toBe(0);
    expect(slow.logs).toMatch(/drain timed out/);
    // Not acked, not lost: still pending, owned by the consumer that left.
    expect(await pending()).toBe(8);
    deepgram.setLatency(0);
    const peer = await startWorker('peer', { RECLAIM_MIN_IDLE_MS: '1500' });
    await until(results, (n) => n === 8, 60_000);
    expect(await peer.stop('SIGTERM')).toBe(0);
    expect(await pending()).toBe(0);
  });
});
