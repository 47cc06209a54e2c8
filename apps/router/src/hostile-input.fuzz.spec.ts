import fc from 'fast-check';
import type Redis from 'ioredis';
import WebSocket from 'ws';
import { audioBytesArb, contentTypeArb, fuzzParameters, hostileWavArb } from '@streamscribe/fuzzing';
import { KEYED, RedisHarness, keyedFetch as fetch, speechWav } from '@streamscribe/testing';
import { startTestRouter, TestRouter } from './testing/router-stack';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(120_000);

let runs = 0;
/** A session id no other run uses, so what a request wrote can be found by it. */
const freshSessionId = () => `fuzz-${process.pid}-${++runs}-s`;

/**
 * The tenant's request-rate bucket and the API-key bookkeeping: any authenticated request writes
 * them, a refused one too (it still spends the rate), so they are no trace of a session.
 */
const REQUEST_BOOKKEEPING = /^streamscribe:(tenant:[^:]+:rate$|auth:)/;

/** Everything in Redis that names the session: keys, and entries of any stream that carry it. */
async function traces(redis: Redis, sessionId: string): Promise<string[]> {
  const keys = (await redis.keys('*')).filter((key) => !REQUEST_BOOKKEEPING.test(key));
  const found = keys.filter((key) => key.includes(sessionId)).map((key) => `key ${key}`);
  for (const key of keys) {
    if ((await redis.type(key)) !== 'stream') continue;
    for (const [id, fields] of await redis.xrange(key, '-', '+'))
      if (fields.includes(sessionId)) found.push(`entry ${id} of ${key}`);
  }
  return found;
}

/** Header values an HTTP client can put on the wire at all (no NUL, CR or LF, one byte per character). */
function sendable(value: string): boolean {
  try {
    new Headers({ 'content-type': value });
    return /^[\x20-\xff]*$/.test(value);
  } catch {
    return false;
  }
}

/** Query options that never pick a provider without a worker (that 503 is right, and not what this tests). */
const queryArb = fc.dictionary(
  fc.constantFrom('realTimeRequired', 'seq', 'chunkId', 'chunkSeconds', 'language', 'keywords', 'wait', 'x'),
  fc.oneof(
    fc.constantFrom('true', '0', '1', '-1', '99999999999', 'en', 'c1', ''),
    fc.string({ maxLength: 8 }),
  ),
  { maxKeys: 3 },
);

describe('hostile input against a running router (fuzz)', () => {
  // No worker: Deepgram's fleet is declared classic, which the router takes as live without a
  // heartbeat, so accepted audio simply waits on its stream. Starting a worker would cost more than
  // every property here.
  let harness: RedisHarness;
  let redis: Redis;
  let router: TestRouter;
  const stack = { base: '', redis: undefined as unknown as Redis };
  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    router = await startTestRouter({
      REDIS_URL: harness.url,
      LOAD_CACHE_MS: '0',
      CLASSIC_FLEETS: 'deepgram',
    });
    Object.assign(stack, { base: router.base, redis });
  }, 120_000);
  afterAll(async () => {
    await router?.close();
    redis?.disconnect();
    await harness?.close();
  });

  it('any audio upload gets a 2xx or a 4xx, and a refused one leaves nothing in Redis', async () => {
    const requestArb = fc.record({
      endpoint: fc.constantFrom('chunks' as const, 'transcriptions' as const),
      contentType: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('audio/wav', 'audio/l16; rate=16000') },
        contentTypeArb.filter(sendable),
      ),
      body: fc.oneof({ weight: 3, arbitrary: hostileWavArb }, audioBytesArb),
      query: queryArb,
    });
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ endpoint, contentType, body, query }) => {
        const sessionId = freshSessionId();
        const params = new URLSearchParams(query);
        if (endpoint === 'transcriptions') params.set('sessionId', sessionId);
        params.delete('wait');
        const path = endpoint === 'chunks' ? `/v1/sessions/${sessionId}/chunks` : '/v1/transcriptions';
        const response = await fetch(`${stack.base}${path}?${params}`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
        const answer = await response.text();
        expect({ status: response.status < 500 ? 'not 5xx' : response.status, answer }).toMatchObject({
          status: 'not 5xx',
        });
        // The key is good: a refusal here is about the upload, never about authentication.
        expect([401, 403]).not.toContain(response.status);
        if (response.status >= 400) expect(await traces(stack.redis, sessionId)).toEqual([]);
      }),
      // Each run is a real request (and a scan of Redis): a few dozen, in at most 8 s.
      fuzzParameters(40, 30_000, 8_000),
    );
  });

  // Counterexamples the property above found, kept as regular tests.
  it.each([
    [
      "8-bit, 8 channels at 536,870,912 Hz (the chunks' byte rate overflows)",
      'audio/wav',
      Buffer.from(
        '524946462c00000057415645666d7420100000000100080000000020ffffffff08000800' +
          '64617461080000001111111111111111',
        'hex',
      ),
    ],
    ['l16 with 65,536 channels', 'audio/l16; rate=16000; channels=65536', Buffer.alloc(131072)],
  ])(
    'a whole file of %s is a 400, not a 500, and leaves nothing behind',
    async (_name, contentType, body) => {
      const sessionId = freshSessionId();
      const response = await fetch(`${stack.base}/v1/transcriptions?sessionId=${sessionId}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status).toBe(400);
      expect(await traces(stack.redis, sessionId)).toEqual([]);
    },
  );

  it('any frames on the live socket get a close or are ignored; the router keeps answering', async () => {
    const accepted = await fetch(`${stack.base}/v1/sessions/fuzz-live/chunks`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav('hello'),
    });
    expect(accepted.status).toBe(202);
    const frameArb = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('fuzz-live', 'nobody', 'all', '%FF', ''),
        fc.array(frameArb, { minLength: 1, maxLength: 6 }),
        async (sessionId, frames) => {
          const socket = new WebSocket(`${stack.base.replace('http', 'ws')}/v1/live?sessionId=${sessionId}`, {
            headers: KEYED,
          });
          const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
          socket.on('error', () => undefined);
          await new Promise((resolve) => socket.once('open', resolve).once('close', resolve));
          for (const frame of frames) if (socket.readyState === WebSocket.OPEN) socket.send(frame);
          // An unknown session is closed by the router; a live one stays open until the client leaves.
          setTimeout(() => socket.close(1000), 200);
          expect([1000, 1005, 1008]).toContain(await closed);
        },
      ),
      fuzzParameters(30, 30_000, 8_000),
    );
    expect((await fetch(`${stack.base}/v1/providers`)).status).toBe(200);
  });
});
