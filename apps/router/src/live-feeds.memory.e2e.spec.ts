import type Redis from 'ioredis';
import { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { Socket, connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { DEFAULT_TENANT, KeyScheme, TranscriptionResultEntry } from '@streamscribe/contracts';
import { SessionEventFeed } from '@streamscribe/router-core';
import { DEFAULT_SESSIONS_OPTIONS, ResultStore } from '@streamscribe/sessions';
import { KEYED, RedisHarness, keyedFetch as fetch, redisCommandCalls } from '@streamscribe/testing';
import { metricsRegistry } from '@streamscribe/observability';
import { TestRouter, startTestRouter } from './testing/router-stack';

const keys = new KeyScheme();
const ref = (sessionId: string) => keys.session(DEFAULT_TENANT, sessionId);

/**
 * Memory and Redis load of live feeds, measured on a router in this process against a redis-server
 * of the spec's own (its INFO commandstats counts only this router's commands). `npm test` runs it
 * with LIVE_FEED_CLIENTS=300; `npm run test:live-feeds-full` with 2,000.
 */
const CLIENTS = Number(process.env['LIVE_FEED_CLIENTS'] ?? 300);
const MIB = 1024 * 1024;

jest.setTimeout(120_000);
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Waits until `ok` holds, polling every 30 ms; throws after timeoutMs. */
async function until(ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

async function settledMemory(): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heap: heapUsed };
}

/**
 * The feed reads the server ran so far (XRANGE, HGET, XREAD, EXISTS: what feeds send), from its
 * INFO commandstats; the router's own background reads (fleet lag, breakers) are left out.
 */
function commandsSoFar(redis: Redis): Promise<number> {
  return redisCommandCalls(redis, ['xrange', 'hget', 'xread', 'exists']);
}

async function commandsPerSecond(redis: Redis, windowMs: number): Promise<number> {
  const before = await commandsSoFar(redis);
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  return ((await commandsSoFar(redis)) - before) / (windowMs / 1000);
}

const result = (sessionId: string, seq: number, text = `word${seq}`): TranscriptionResultEntry => ({
  sessionId,
  chunkId: `c${seq}`,
  seq,
  status: 'ok',
  text,
  confidence: 0.9,
  provider: 'deepgram',
  processingTime: 0.1,
  timestamp: 0,
  words: [],
});

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return Number(value?.value ?? 0);
}

/** An SSE client that keeps what it received, as text. */
interface SseClient {
  request: ClientRequest;
  received: string;
  response?: IncomingMessage;
}

function openSse(base: string, sessionId: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const client: SseClient = { request: undefined as unknown as ClientRequest, received: '' };
    client.request = httpRequest(
      `${base}/v1/sessions/${sessionId}/events`,
      { agent: false, headers: KEYED },
      (response) => {
        client.response = response;
        if (response.statusCode !== 200) return reject(new Error(`status ${response.statusCode}`));
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          client.received += text;
          if (client.received.length > 4096) client.received = client.received.slice(-2048);
        });
        response.once('data', () => resolve(client));
      },
    );
    client.request.on('error', () => undefined);
    client.request.end();
  });
}

describe('live feeds: bounded memory, shared reads, refused large frames', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let router: TestRouter;
  let feed: SessionEventFeed;
  let store: ResultStore;
  let base: string;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
    store = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
    const cap = String(CLIENTS + 100);
    router = await startTestRouter({
      REDIS_URL: harness.url,
      LIVE_MAX_FEEDS: cap,
      LIVE_MAX_FEEDS_PER_TENANT: cap,
      LIVE_MAX_FEEDS_PER_SESSION: cap,
      LIVE_SLOW_READER_MS: '1000',
      // Quotas on, with room for the crowd: one tenant's rate and live connections.
      QUOTA_REQUESTS_PER_SECOND: '0',
      QUOTA_MAX_LIVE_CONNECTIONS: cap,
      MAX_LIVE_CONNECTIONS_PER_ROUTER: cap,
    });
    base = router.base;
    feed = router.app.get(SessionEventFeed);
    await redis.hset(keys.sessionMetaKey(ref('crowd')), 'chunk_count', '2');
    await store.write(ref('crowd'), result('crowd', 0));
  }, 90_000);
  const afterDrop: Array<() => void> = [];
  afterAll(async () => {
    for (const cleanUp of afterDrop) cleanUp();
    await router?.close();
    redis?.disconnect();
    await harness?.close();
  });

  it('refuses a 90 MiB WebSocket frame (1009) before reading it: 8 of them leave RSS within 64 MiB', async () => {
    const megabyte = Buffer.alloc(MIB); // the payload, reused: the test itself holds 1 MiB
    const before = await settledMemory();
    for (let i = 0; i < 8; i++) {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/live?sessionId=crowd`, {
        headers: KEYED,
      });
      await new Promise((resolve) => socket.once('open', resolve));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.on('error', () => undefined);
      // A text frame whose header announces 90 MiB, written raw (masked with a zero key).
      const header = Buffer.alloc(14);
      header[0] = 0x81;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(90 * MIB), 2);
      const raw = (socket as unknown as { _socket: Socket })._socket;
      raw.write(header);
      for (let sent = 0; sent < 90 && !raw.destroyed && raw.writable; sent++) {
        const ok = raw.write(megabyte, () => undefined);
        if (!ok) await Promise.race([new Promise((r) => raw.once('drain', r)), closed]);
      }
      expect(await closed).toBe(1009);
    }
    const after = await settledMemory();
    process.stdout.write(`large frames: RSS growth ${((after.rss - before.rss) / MIB).toFixed(1)} MiB\n`);
    expect(after.rss - before.rss).toBeLessThan(64 * MIB);
    expect((await fetch(`${router.managementUrl}/health/live`)).status).toBe(200);
  });

  it('answers malformed control messages with an error event and keeps the socket', async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/live?sessionId=crowd`, { headers: KEYED });
    const messages: Array<{ event: string; data: { code?: string } }> = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('not json');
    socket.send(Buffer.from([1, 2, 3]));
    socket.send('{"type":"KeepAlive"}');
    await until(() => messages.filter((m) => m.event === 'error').length === 2, 10_000);
    expect(messages.filter((m) => m.event === 'error').map((m) => m.data.code)).toEqual([
      'malformed_message',
      'unknown_message',
    ]);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(5000)); // over LIVE_WS_MAX_PAYLOAD_BYTES
    expect(await closed).toBe(1009);
  });

  it(
    `${CLIENTS} SSE clients on one session: Redis commands per second do not grow with them, memory per client is bounded and comes back when they close`,
    async () => {
      const one = await openSse(base, 'crowd');
      const clients: SseClient[] = [];
      try {
        await crowdOnOneSession(one, clients);
      } finally {
        for (const client of [one, ...clients]) client.request.destroy();
      }
    },
    120_000 + CLIENTS * 60,
  );

  async function crowdOnOneSession(one: SseClient, clients: SseClient[]): Promise<void> {
    const perSecondWithOne = await commandsPerSecond(redis, 3000);
    const baseline = await settledMemory();
    // Memory is also read half way: the growth from half the clients to all of them is what each
    // client costs, free of one-off costs (pools, code paths, the jest process's other suites).
    const halfAt = Math.floor(CLIENTS / 100) * 50;
    let half = baseline;
    for (let i = 0; i < CLIENTS; i += 50) {
      if (i === halfAt) half = await settledMemory();
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, CLIENTS - i) }, () => openSse(base, 'crowd')),
        )),
      );
    }
    const crowd = await settledMemory();
    const added = CLIENTS - halfAt;
    const perSecondWithCrowd = await commandsPerSecond(redis, 3000);
    // A result reaches every client from one read.
    await store.write(ref('crowd'), result('crowd', 1));
    await until(() => [one, ...clients].every((c) => c.received.includes('id: 1\n')), 60_000).catch(
      (error) => {
        const stuck = [one, ...clients].filter((c) => !c.received.includes('id: 1\n'));
        process.stdout.write(
          `${stuck.length} clients lack id 1, e.g. ${JSON.stringify(stuck[0]?.received)}\n`,
        );
        throw error;
      },
    );

    const perClient = (crowd.rss - half.rss) / added;
    process.stdout.write(
      `${CLIENTS} SSE clients: ${(perClient / 1024).toFixed(1)} KiB RSS per client (both ends, in one process), ` +
        `heap +${((crowd.heap - baseline.heap) / MIB).toFixed(1)} MiB; Redis commands/s with 1 client ` +
        `${perSecondWithOne.toFixed(1)}, with ${CLIENTS + 1}: ${perSecondWithCrowd.toFixed(1)}\n`,
    );
    expect(perClient).toBeLessThan(128 * 1024);
    expect((crowd.heap - half.heap) / added).toBeLessThan(64 * 1024);
    // One re-check per watched session per second (plus the watcher's XREAD), whatever the clients.
    expect(perSecondWithCrowd).toBeLessThan(perSecondWithOne * 1.5 + 3);
    expect(feed.hub.watchedSessions).toBe(1);

    for (const client of [one, ...clients]) client.request.destroy();
    await until(() => feed.caps.open === 0 && feed.hub.watchedSessions === 0, 30_000);
    const closed = await settledMemory();
    process.stdout.write(
      `after close: heap ${((closed.heap - baseline.heap) / MIB).toFixed(1)} MiB over the baseline ` +
        `(was +${((crowd.heap - baseline.heap) / MIB).toFixed(1)} MiB with the clients)\n`,
    );
    // Node keeps up to 1,000 HTTP parsers pooled for reuse (client and server side here), so not
    // every byte comes back; what the feeds held (readers, caps, listeners, timers) does.
    expect(closed.heap - baseline.heap).toBeLessThan(Math.max(4 * MIB, (crowd.heap - baseline.heap) / 2));
    expect(await metricValue('streamscribe_live_feeds_open', { transport: 'sse' })).toBe(0);
  }

  it('drops an SSE client that stops reading, with a metric, and releases its feed', async () => {
    // ~24 MiB of results: more than the kernel's socket buffers take for a client that reads nothing.
    const text = 'x'.repeat(16 * 1024);
    await redis.hset(keys.sessionMetaKey(ref('slow')), 'chunk_count', '1500');
    for (let seq = 0; seq < 1500; seq++) await store.write(ref('slow'), result('slow', seq, text));
    const droppedBefore = await metricValue('streamscribe_live_feeds_dropped_total', {
      transport: 'sse',
      reason: 'slow_reader',
    });
    await until(() => feed.caps.open === 0, 30_000); // what earlier tests opened has gone
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    afterDrop.push(() => socket.destroy());
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET /v1/sessions/slow/events HTTP/1.1\r\nHost: router\r\nAuthorization: ${KEYED.authorization}\r\n\r\n`,
    );
    socket.pause(); // reads nothing more
    const closedByServer = new Promise((resolve) => socket.once('close', resolve));
    await until(async () => feed.caps.open === 1, 30_000);
    await until(
      async () =>
        (await metricValue('streamscribe_live_feeds_dropped_total', {
          transport: 'sse',
          reason: 'slow_reader',
        })) > droppedBefore,
      30_000,
    );
    await until(() => feed.caps.open === 0 && feed.hub.watchedSessions === 0, 10_000);
    socket.resume();
    await closedByServer;
  });

  it('pages transcripts: small ones whole as before, large ones by ?after=&limit= with a next cursor', async () => {
    const small = (await (await fetch(`${base}/v1/sessions/crowd/transcript`)).json()) as Record<
      string,
      unknown
    >;
    expect(small).not.toHaveProperty('page');
    expect(small).toMatchObject({ chunkCount: 2, text: 'word0 word1' });
    // 'slow' has 1,500 results: over the 1,000 sent whole.
    const first = (await (await fetch(`${base}/v1/sessions/slow/transcript`)).json()) as {
      chunks: unknown[];
      chunkCount: number;
      page: { next: string };
    };
    expect([first.chunks.length, first.chunkCount, first.page.next]).toEqual([1000, 1500, '999']);
    const last = (await (await fetch(`${base}/v1/sessions/slow/transcript?after=999&limit=1000`)).json()) as {
      chunks: Array<{ seq: number }>;
      page: { next: string | null };
    };
    expect([last.chunks.length, last.chunks[0].seq, last.page.next]).toEqual([500, 1000, null]);
    expect((await fetch(`${base}/v1/sessions/slow/transcript?limit=0`)).status).toBe(400);
    expect((await fetch(`${base}/v1/sessions/slow/transcript?after=x`)).status).toBe(400);
  });

  it('refuses feeds over the per-session cap with 429 and a code', async () => {
    const caps = feed.caps as unknown as { settings: { perSession: number } };
    const saved = caps.settings.perSession;
    caps.settings.perSession = 1;
    try {
      const first = await openSse(base, 'crowd');
      const second = await fetch(`${base}/v1/sessions/crowd/events`);
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ code: 'live_feeds_session_limit' });
      const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/live?sessionId=crowd`, {
        headers: KEYED,
      });
      const [code, reason] = await new Promise<[number, string]>((resolve) =>
        socket.once('close', (c, r) => resolve([c, r.toString()])),
      );
      expect(code).toBe(1013);
      expect(reason).toMatch(/^live_feeds_session_limit/);
      first.request.destroy();
    } finally {
      caps.settings.perSession = saved;
    }
  });
});
