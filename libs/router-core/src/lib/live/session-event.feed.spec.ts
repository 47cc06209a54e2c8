import type Redis from 'ioredis';
import { setMaxListeners } from 'node:events';
import { DEFAULT_TENANT, KeyScheme, TranscriptionResultEntry } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { DEFAULT_SESSIONS_OPTIONS, ResultStore, ResultWatcher } from '@streamscribe/sessions';
import { RedisHarness } from '@streamscribe/testing';
import { RouterEnvironment } from '../router-environment';
import type { LiveEvent } from './live-event';
import { SessionEventFeed } from './session-event.feed';

const keys = new KeyScheme();
const ref = (sessionId: string) => keys.session(DEFAULT_TENANT, sessionId);

jest.setTimeout(30_000);

const result = (sessionId: string, seq: number): TranscriptionResultEntry => ({
  sessionId,
  chunkId: `c${seq}`,
  seq,
  status: 'ok',
  text: `word${seq}`,
  confidence: 0.9,
  provider: 'deepgram',
  processingTime: 0.1,
  timestamp: 0,
  words: [],
});

/** Calls of one command so far, from the server's own counters (INFO commandstats). */
async function calls(redis: Redis, command: string): Promise<number> {
  const info = await redis.info('commandstats');
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
  return match ? Number(match[1]) : 0;
}

async function collect(events: AsyncIterable<LiveEvent>): Promise<LiveEvent[]> {
  const all: LiveEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('SessionEventFeed: one shared reader per watched session', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let watcher: ResultWatcher;
  let feed: SessionEventFeed;
  let store: ResultStore;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
    watcher = new ResultWatcher(harness.client(), createLogger('test'), keys, 200);
    feed = new SessionEventFeed(redis, new RouterEnvironment(), watcher, keys);
    store = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
  });
  afterAll(async () => {
    await watcher.close();
    redis.disconnect();
    await harness.close();
  });

  it('serves 200 clients of a session from one read per wake-up: every client gets every result in order, then final', async () => {
    await redis.hset(keys.sessionMetaKey(ref('shared')), 'chunk_count', '6');
    await store.write(ref('shared'), result('shared', 0));
    const abort = new AbortController();
    setMaxListeners(0, abort.signal); // one signal for 200 feeds, a test's shortcut
    const before = await calls(redis, 'xrange');
    const feeds = Array.from({ length: 200 }, () => collect(feed.events(ref('shared'), -1, abort.signal)));
    // Out of audio order, one at a time, so each lands as its own wake-up.
    for (const seq of [2, 1, 3, 5, 4]) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.write(ref('shared'), result('shared', seq));
    }
    await redis.hset(keys.sessionMetaKey(ref('shared')), 'expected_chunks', '6');
    const received = await Promise.all(feeds);
    for (const events of received) {
      expect(events.map((e) => `${e.event}:${'id' in e ? e.id : ''}`)).toEqual([
        'result:0',
        'result:1',
        'result:2',
        'result:3',
        'result:4',
        'result:5',
        'final:',
      ]);
    }
    // Joins share reads, wake-ups and re-checks read once for all 200: far fewer than one per client.
    expect((await calls(redis, 'xrange')) - before).toBeLessThan(40);
    expect(feed.hub.watchedSessions).toBe(0);
  });

  it('a client that resumes gets only what comes after its Last-Event-ID, and late what it missed', async () => {
    await redis.hset(keys.sessionMetaKey(ref('resume')), 'chunk_count', '4', 'expected_chunks', '4');
    for (const seq of [0, 1, 3]) await store.write(ref('resume'), result('resume', seq));
    const abort = new AbortController();
    const events = collect(feed.events(ref('resume'), 3, abort.signal));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await store.write(ref('resume'), result('resume', 2));
    expect(
      (await events).map((e) => [
        e.event,
        'id' in e ? e.id : undefined,
        'data' in e && 'late' in e.data ? e.data.late : undefined,
      ]),
    ).toEqual([
      ['result', '3', true],
      ['final', undefined, undefined],
    ]);
  });

  it('releases the shared reader, its waits and timers once every client has gone', async () => {
    await redis.hset(keys.sessionMetaKey(ref('idle')), 'chunk_count', '1');
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    const feeds = Array.from({ length: 50 }, () => collect(feed.events(ref('idle'), -1, abort.signal)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(feed.hub.watchedSessions).toBe(1);
    abort.abort();
    expect(await Promise.all(feeds)).toEqual(Array.from({ length: 50 }, () => []));
    expect(feed.hub.watchedSessions).toBe(0);
  });
});
