import Redis from 'ioredis';
import WebSocket from 'ws';
import { FakeDeepgramServer, speechWav, until } from '@streamscribe/testing';
import {
  RouterStack,
  TEST_ADMIN_API_KEY,
  startRouterStack,
  keyedFetch as fetch,
} from './testing/router-stack';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(120_000);

// Routers and workers must agree on the health window; a long one keeps the measured service time.
const HEALTH = { HEALTH_WINDOW_MS: '600000' };
const MAX_WAIT_MS = 3000;

/**
 * Admission control end to end: a real redis-server, worker-deepgram (one slot) against a fake
 * Deepgram whose latency the spec sets, and the router. The service time is what the worker
 * measured; the backlog is real chunks posted through the router; Redis memory is the test
 * server's own, with a maxmemory set low and filled.
 */
describe('admission control: backlog and Redis memory, end to end', () => {
  let stack: RouterStack;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let base: string;

  beforeAll(async () => {
    stack = await startRouterStack({
      harness: { ownServer: true },
      worker: { WORKER_CONCURRENCY: '1', WORKER_BLOCK_MS: '100', ...HEALTH },
      router: {
        ADMISSION_MAX_WAIT_MS: String(MAX_WAIT_MS),
        ADMISSION_REFRESH_MS: '100',
        ADMISSION_MEMORY_HEADROOM: '0.25',
        ...HEALTH,
      },
    });
    ({ redis, deepgram, base } = stack);
  }, 90_000);
  afterAll(() => stack?.close());

  const postChunk = (sessionId: string, word = 'hello') =>
    fetch(`${base}/v1/sessions/${sessionId}/chunks`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav(word),
    });
  const json = (response: Response) => response.json() as Promise<Body>;
  const transcript = async (sessionId: string) =>
    json(await fetch(`${base}/v1/sessions/${sessionId}/transcript`));
  async function completeTranscript(sessionId: string, timeoutMs = 60_000) {
    const ended = await fetch(`${base}/v1/sessions/${sessionId}/end`, { method: 'POST' });
    expect(ended.status).toBe(200);
    return until(
      () => transcript(sessionId),
      (t) => t['complete'] === true,
      timeoutMs,
    );
  }
  const metrics = async () => (await globalThis.fetch(`${stack.managementUrl}/metrics`)).text();
  const pending = async () =>
    ((await redis.xpending('audio:stream:deepgram', 'deepgram_workers')) as [number])[0];

  it('refuses new chunks with 429 and Retry-After while the backlog is over the bound, and recovers as it drains', async () => {
    // The service time comes from real calls: 1.5 s each, one slot.
    deepgram.setLatency(1500);
    expect((await postChunk('warm-up')).status).toBe(202);
    await completeTranscript('warm-up');

    // A backlog of 10 chunks × 1.5 s / 1 slot, well over 3 s.
    let accepted = 0;
    for (let i = 0; i < 10; i++) if ((await postChunk('backlog', `word${i}`)).status === 202) accepted += 1;
    const refused = await until(
      () => postChunk('late'),
      (r) => r.status === 429,
      30_000,
    );
    const body = await json(refused);
    expect(body).toMatchObject({
      statusCode: 429,
      code: 'provider_backlog',
      over: { reason: 'backlog', providers: [{ provider: 'deepgram', maxWaitMs: MAX_WAIT_MS, slots: 1 }] },
    });
    const [over] = body['over'].providers;
    expect(over.estimatedWaitMs).toBeGreaterThan(MAX_WAIT_MS);
    expect(over.overByMs).toBe(over.estimatedWaitMs - MAX_WAIT_MS);
    expect(over.backlog).toBeGreaterThan(0);
    expect(over.serviceSeconds).toBeGreaterThan(1);
    // Retry-After: the time for the estimate to fall back under the bound.
    expect(refused.headers.get('retry-after')).toBe(String(Math.max(1, Math.ceil(over.overByMs / 1000))));
    expect(body['retryAfterSeconds']).toBe(Number(refused.headers.get('retry-after')));
    expect(body['message']).toMatch(/ADMISSION_MAX_WAIT_MS/);

    // Work already in the system keeps moving: reads answer, the worker writes results and acks.
    expect((await fetch(`${base}/v1/sessions/backlog/transcript`)).status).toBe(200);
    const text = await metrics();
    expect(text).toMatch(
      /streamscribe_admission_refusals_total\{reason="backlog",provider="deepgram"\} [1-9]/,
    );
    expect(text).toMatch(/streamscribe_admission_estimated_wait_seconds\{provider="deepgram"\} [1-9]/);

    // The provider speeds up; the backlog drains and new chunks are taken again.
    deepgram.setLatency(10);
    const admitted = await until(
      () => postChunk('late'),
      (r) => r.status === 202,
      60_000,
    );
    expect(admitted.status).toBe(202);
    const backlog = await completeTranscript('backlog');
    expect(backlog['chunks']).toHaveLength(accepted);
    await until(pending, (n) => n === 0);
  });

  it('refuses new work with 503 while Redis memory is inside its headroom; an accepted chunk still finishes', async () => {
    // Accepted before memory fills; its provider call outlasts the refusal below.
    deepgram.setLatency(6000);
    expect((await postChunk('in-flight', 'accepted')).status).toBe(202);

    const used = async () => Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1]);
    const maxmemory = (await used()) + 16 * 1024 * 1024;
    await redis.config('SET', 'maxmemory', String(maxmemory));
    const fillers: string[] = [];
    try {
      // Past maxmemory × (1 − 0.25), under maxmemory; small values (a large one would pass
      // maxmemory in the query buffer alone).
      while ((await used()) < maxmemory * 0.8) {
        fillers.push(`filler:${fillers.length}`);
        await redis.set(fillers[fillers.length - 1], 'x'.repeat(128 * 1024));
      }
      const refused = await until(
        () => postChunk('refused'),
        (r) => r.status === 503,
        15_000,
      );
      const refusedAt = Date.now();
      // Posts that got in before the router's reading saw the memory (it refreshes every 100 ms)
      // are accepted work: fast from now on, so they do not queue 6 s each behind the one slot. The
      // in-flight chunk's call already runs with its 6 s.
      deepgram.setLatency(10);
      const body = await json(refused);
      expect(body).toMatchObject({
        statusCode: 503,
        code: 'fabric_overloaded',
        over: { reason: 'redis_memory', maxmemoryBytes: maxmemory },
      });
      expect(body['over'].usedBytes).toBeGreaterThanOrEqual(body['over'].limitBytes);
      expect(body['over'].overByBytes).toBe(body['over'].usedBytes - body['over'].limitBytes);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(5);
      // A whole-file upload is new work too.
      const upload = await fetch(`${base}/v1/transcriptions`, {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: speechWav('a whole file'),
      });
      expect(upload.status).toBe(503);
      expect(upload.headers.get('retry-after')).not.toBeNull();
      // A new live session too: closed at once with 1013, try again later.
      const live = new WebSocket(
        `${base.replace(/^http/, 'ws')}/v1/listen?encoding=linear16&sample_rate=16000`,
        ['token', TEST_ADMIN_API_KEY],
      );
      const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
        live.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      expect(closed).toEqual({
        code: 1013,
        reason: expect.stringMatching(/^fabric_overloaded: .*retry after \d+ s$/),
      });
      expect(await metrics()).toMatch(
        /streamscribe_admission_refusals_total\{reason="redis_memory",provider="all"\} [1-9]/,
      );

      // The accepted chunk's result is written and acknowledged after the refusal, inside the headroom.
      const done = await completeTranscript('in-flight');
      expect(done['text']).toBe('accepted');
      const [[resultId]] = await redis.xrange('transcription:results:in-flight', '-', '+');
      expect(Number(resultId.split('-')[0])).toBeGreaterThan(refusedAt);
      await until(pending, (n) => n === 0);
    } finally {
      if (fillers.length > 0) await redis.del(...fillers);
      await redis.config('SET', 'maxmemory', '0');
    }
    const admitted = await until(
      () => postChunk('after-memory'),
      (r) => r.status === 202,
      15_000,
    );
    expect(admitted.status).toBe(202);
  });
});
