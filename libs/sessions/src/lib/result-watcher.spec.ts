import type Redis from 'ioredis';
import { DEFAULT_TENANT, KeyScheme } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { RedisHarness, redisCommandCalls } from '@streamscribe/testing';
import { ResultStore } from './result-store';
import { ResultWatcher } from './result-watcher';
import { DEFAULT_SESSIONS_OPTIONS } from './sessions-options';

const keys = new KeyScheme();
const ref = (sessionId: string) => keys.session(DEFAULT_TENANT, sessionId);
const result = (sessionId: string) => ({
  sessionId,
  chunkId: 'c1',
  seq: 0,
  status: 'ok' as const,
  text: 'hello',
  confidence: 1,
  provider: 'deepgram',
  processingTime: 0,
  timestamp: 0,
  words: [],
});

/** A reader whose blocking reads reach Redis only after a hold: a busy event loop or a slow link. */
function slowToRead(reader: Redis, holdMs: number): Redis {
  const xread = reader.xread.bind(reader) as (...args: unknown[]) => Promise<unknown>;
  (reader as unknown as { xread: unknown }).xread = async (...args: unknown[]) => {
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    return xread(...args);
  };
  return reader;
}

jest.setTimeout(30_000);

/** Whether the promise settles within ms; the timer is cleared either way, so none outlives the test. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('ResultWatcher on a real redis-server', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let store: ResultStore;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    store = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
  });
  beforeEach(() => redis.flushdb());
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('wakes a waiter for a result written after ready(), even one that lands before its first blocking read', async () => {
    await store.write(ref('earlier'), result('earlier'));
    const watcher = new ResultWatcher(slowToRead(harness.client(), 300), createLogger('test'), keys, 200);
    try {
      await watcher.ready();
      // The waiter's own timeout (20 s) lies past the check's (10 s): only the result can wake it in time.
      const wait = watcher.waitForResult(ref('late'), 20_000);
      // Written while the first XREAD is still held back: reading from `$` would never see it.
      await store.write(ref('late'), result('late'));
      expect(await settlesWithin(wait, 10_000)).toBe(true);
    } finally {
      await watcher.close();
    }
  });

  it('starts from the first entry of a feed that does not exist yet', async () => {
    const watcher = new ResultWatcher(slowToRead(harness.client(), 300), createLogger('test'), keys, 200);
    try {
      await watcher.ready();
      expect(await redis.exists(keys.allResultsStream(0))).toBe(0);
      const wait = watcher.waitForResult(ref('first'), 20_000);
      await store.write(ref('first'), result('first'));
      expect(await settlesWithin(wait, 10_000)).toBe(true);
    } finally {
      await watcher.close();
    }
  });

  it('reads the feed only while someone waits (and lingerMs after): an idle router sends no XREAD, a later waiter is still woken', async () => {
    const watcher = new ResultWatcher(harness.client(), createLogger('test'), keys, 100, 300);
    try {
      await settlesWithin(watcher.waitForResult(ref('once'), 50), 1000);
      expect(watcher.reading).toBe(true);
      // It stops after the linger and its last block (polled: a loaded machine's timers run late).
      for (let i = 0; i < 100 && watcher.reading; i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(watcher.reading).toBe(false);
      const before = await redisCommandCalls(redis, ['xread']);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await redisCommandCalls(redis, ['xread'])).toBe(before);

      const wait = watcher.waitForResult(ref('later'), 20_000);
      expect(watcher.reading).toBe(true);
      await watcher.ready();
      await store.write(ref('later'), result('later'));
      expect(await settlesWithin(wait, 10_000)).toBe(true);
    } finally {
      await watcher.close();
    }
  });

  it('close() does not wait for a read ioredis never settles (one queued while the reader reconnects)', async () => {
    // After disconnect(), a command queued while reconnecting is neither answered nor failed: a
    // router's shutdown waited on it for good in a CI run. Stand-in: reads that never settle.
    const reader = harness.client();
    (reader as unknown as { xread: unknown }).xread = () => new Promise(() => undefined);
    const watcher = new ResultWatcher(reader, createLogger('test'), keys, 100, 30_000);
    await watcher.ready();
    expect(watcher.reading).toBe(true);
    expect(await settlesWithin(watcher.close(), 5000)).toBe(true);
  });
});
