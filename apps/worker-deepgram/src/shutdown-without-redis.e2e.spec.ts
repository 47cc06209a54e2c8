import {
  AppProcess,
  BlackHoleProxy,
  FakeDeepgramServer,
  RedisHarness,
  speechWav,
  startDeepgramWorker,
} from '@streamscribe/testing';
import { KeyScheme, encodeChunkEntry, newChunkEntry } from '@streamscribe/contracts';

// Real processes on a shared machine: the bound is generous on purpose. What it rules out is a
// worker that never exits (one whose Redis stopped answering used to wait on it past any drain).
jest.setTimeout(120_000);

const DRAIN_TIMEOUT_MS = 2000;
/** The drain timeout, the worker's SHUTDOWN_MARGIN_MS (5 s) and slack for a loaded machine. */
const BOUND_MS = DRAIN_TIMEOUT_MS + 5000 + 15_000;

/** Sends SIGTERM; resolves with whether the process exited within BOUND_MS. */
async function stopsWithinBound(worker: AppProcess): Promise<{ exited: boolean }> {
  return Promise.race([
    worker.stop('SIGTERM').then(() => ({ exited: true })),
    new Promise<{ exited: boolean }>((resolve) => setTimeout(() => resolve({ exited: false }), BOUND_MS)),
  ]);
}

describe('worker-deepgram: shutdown is bounded even with Redis unreachable', () => {
  let harness: RedisHarness;
  let deepgram: FakeDeepgramServer;
  const started: AppProcess[] = [];
  const proxies: BlackHoleProxy[] = [];

  beforeAll(async () => {
    harness = await RedisHarness.start();
    deepgram = await FakeDeepgramServer.start();
  });
  afterAll(async () => {
    for (const worker of started) await worker.stop('SIGKILL');
    for (const proxy of proxies) await proxy.close();
    await deepgram?.close();
    await harness?.close();
  });

  it('exits after SIGTERM when its Redis went silent mid-chunk (a partition, not a refused connection)', async () => {
    const proxy = await BlackHoleProxy.start(Number(new URL(harness.url).port));
    proxies.push(proxy);
    const worker = await startDeepgramWorker(proxy.url, deepgram, {
      DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
      HEARTBEAT_INTERVAL_MS: '200',
    });
    started.push(worker);
    // A chunk in flight, so the drain has work that must reach Redis (its result, its ack).
    deepgram.setLatency(1500);
    const redis = harness.client();
    try {
      const chunk = newChunkEntry({
        sessionId: 'shutdown-1',
        chunkId: 'c0',
        seq: 0,
        audio: speechWav('hello'),
        audioFormat: 'wav',
        hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
        fallbackProviders: [],
      });
      await redis.xadd(new KeyScheme().providerStream('deepgram'), '*', ...encodeChunkEntry(chunk));
      await waitFor(() => deepgram.requests.length > 0);
    } finally {
      redis.disconnect();
    }
    proxy.blackHole();

    expect(await stopsWithinBound(worker)).toEqual({ exited: true });
    expect(worker.logs).toMatch(/"msg":"draining"/);
  });

  it('exits after SIGTERM when its Redis was killed', async () => {
    const worker = await startDeepgramWorker(harness.url, deepgram, {
      DRAIN_TIMEOUT_MS: String(DRAIN_TIMEOUT_MS),
      HEARTBEAT_INTERVAL_MS: '200',
    });
    started.push(worker);
    await harness.kill();
    await worker.waitForOutput(/redis connection error/, 20_000);

    expect(await stopsWithinBound(worker)).toEqual({ exited: true });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
