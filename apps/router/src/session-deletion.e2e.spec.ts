import Redis from 'ioredis';
import WebSocket from 'ws';
import { TEST_ADMIN_API_KEY, speechWav } from '@streamscribe/testing';
import { RouterStack, startRouterStack } from './testing/router-stack';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { message: string; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = (response: Response) => response.json() as Promise<Body>;

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/** Text the fake provider returns (it reads it from the audio), and bytes only this audio has. */
const TEXT = { default: 'quetzalcoatlus', acme: 'hallucigenia' };
const AUDIO_MARK = { default: 'AUDIO-MARK-7f3a91c2', acme: 'AUDIO-MARK-acme-55d0e4' };

/** A speech WAV whose tail (after the coded text) carries `mark`, so its bytes can be found in Redis. */
function markedWav(text: string, mark: string): Buffer {
  const wav = speechWav(text);
  wav.write(mark, wav.length - mark.length - 2, 'latin1');
  return wav;
}

/** Every byte Redis holds, keys and values, of every type: what a deleted session must be absent from. */
async function everything(redis: Redis): Promise<Buffer> {
  const parts: Buffer[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scanBuffer(cursor, 'COUNT', 1000);
    cursor = next.toString();
    for (const key of keys) {
      parts.push(key);
      const type = await redis.type(key);
      if (type === 'string') parts.push((await redis.getBuffer(key)) ?? Buffer.alloc(0));
      if (type === 'hash')
        for (const [field, value] of Object.entries(await redis.hgetallBuffer(key)))
          parts.push(Buffer.from(field), value);
      if (type === 'set') parts.push(...(await redis.smembersBuffer(key)));
      if (type === 'zset') parts.push(...(await redis.zrangeBuffer(key, 0, -1)));
      if (type === 'list') parts.push(...(await redis.lrangeBuffer(key, 0, -1)));
      if (type === 'stream')
        for (const [, flat] of await redis.xrangeBuffer(key, '-', '+')) parts.push(...flat);
    }
  } while (cursor !== '0');
  return Buffer.concat(parts);
}

/** The messages a live-results WebSocket gets until it closes, and how it closed (or the refused upgrade's status). */
function liveSocket(
  url: string,
  key: string,
): Promise<{ status: number; messages: string[]; code?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${key}` } });
    const messages: string[] = [];
    socket.on('unexpected-response', (_request, response) =>
      resolve({ status: response.statusCode ?? 0, messages }),
    );
    socket.on('message', (data) => messages.push(data.toString()));
    socket.on('close', (code) => resolve({ status: 101, messages, code }));
    socket.on('error', (error) =>
      error.message.includes('Unexpected server response') ? undefined : reject(error),
    );
  });
}

describe('two tenants with real API keys: isolation, DELETE /v1/sessions/{id}, router + worker-deepgram on real Redis', () => {
  let stack: RouterStack;
  let redis: Redis;
  let base: string;

  beforeAll(async () => {
    stack = await startRouterStack({
      worker: { WORKER_BLOCK_MS: '200' },
      router: { SESSION_SWEEP_INTERVAL_MS: '0' },
    });
    ({ redis, base } = stack);
    // A key of each tenant with scopes transcribe and read, minted as an operator would.
    for (const tenant of ['default', 'acme', 'other']) {
      const created = await fetch(`${base}/v1/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant, scopes: ['transcribe', 'read'], name: 'isolation e2e' }),
      });
      expect(created.status).toBe(201);
      keys.set(tenant, (await json(created)).key);
    }
  }, 90_000);
  afterAll(() => stack?.close());

  const keys = new Map<string, string>();
  const keyOf = (tenant?: string) => keys.get(tenant ?? 'default') as string;
  const as = (tenant?: string): Record<string, string> => ({ authorization: `Bearer ${keyOf(tenant)}` });
  const post = (sessionId: string, body: Buffer, tenant?: string) =>
    fetch(`${base}/v1/sessions/${sessionId}/chunks`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav', ...as(tenant) },
      body,
    });
  const get = (path: string, tenant?: string) => fetch(`${base}${path}`, { headers: as(tenant) });
  const remove = (sessionId: string, tenant?: string) =>
    fetch(`${base}/v1/sessions/${sessionId}`, { method: 'DELETE', headers: as(tenant) });

  async function completeTranscript(sessionId: string, tenant?: string) {
    for (let tries = 0; tries < 600; tries++) {
      const response = await get(`/v1/sessions/${sessionId}/transcript`, tenant);
      if (response.status === 200) {
        const transcript = await json(response);
        if (transcript.complete) return transcript;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`session ${sessionId} of ${tenant ?? 'default'} never completed`);
  }

  it('keeps the same session id in two tenants apart, and answers 404 for the other tenant', async () => {
    // The default tenant's first chunk fails for good (400, no other provider live): its audio stays
    // in Redis as a dead letter, with a failure entry; acknowledged audio is trimmed by the worker.
    stack.deepgram.failNext(1, { status: 400 });
    expect((await post('shared-id', markedWav('doomed', AUDIO_MARK.default))).status).toBe(202);
    expect((await post('shared-id', speechWav(TEXT.default))).status).toBe(202);
    expect(await completeTranscript('shared-id')).toMatchObject({ text: TEXT.default, failedCount: 1 });
    stack.deepgram.failNext(1, { status: 400 });
    expect((await post('shared-id', markedWav('doomed', AUDIO_MARK.acme), 'acme')).status).toBe(202);
    expect((await post('shared-id', speechWav(TEXT.acme), 'acme')).status).toBe(202);
    expect((await post('acme-only', speechWav('private'), 'acme')).status).toBe(202);
    expect((await completeTranscript('shared-id', 'acme')).text).toBe(TEXT.acme);
    await completeTranscript('acme-only', 'acme');
    // Each tenant sees its own dead letter only, with a code instead of the provider's text.
    const letters = await json(await get('/v1/dead-letters', 'acme'));
    expect(letters.letters).toEqual([
      expect.objectContaining({ sessionId: 'shared-id', tenant: 'acme', error: expect.any(Object) }),
    ]);
    expect(letters.letters[0].errorHistory).toBeUndefined();
    expect((await json(await get('/v1/dead-letters', 'other'))).letters).toEqual([]);
    expect((await get(`/v1/dead-letters/${letters.letters[0].id}`, 'other')).status).toBe(404);
    // An operator (admin scope) sees both tenants' letters, with the provider's reason.
    const all = await json(
      await fetch(`${base}/v1/dead-letters`, { headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}` } }),
    );
    expect(new Set(all.letters.map((letter: Body) => letter.tenant))).toEqual(new Set(['default', 'acme']));
    const providerText = all.letters.find((letter: Body) => letter.tenant === 'acme').reason;
    expect(providerText).not.toBe(letters.letters[0].reason);
    expect(JSON.stringify(letters)).not.toContain(providerText);

    expect((await get('/v1/sessions/acme-only/transcript')).status).toBe(404);
    expect((await get('/v1/sessions/acme-only/transcript', 'other')).status).toBe(404);
    expect((await get('/v1/sessions/acme-only/events', 'other')).status).toBe(404);
    expect((await remove('acme-only', 'other')).status).toBe(404);
    // The live feed over WebSocket: the owner gets the results and `final`, another tenant is refused.
    const wsBase = base.replace('http', 'ws');
    // Ended, so the feed closes after `final`.
    const ended = await fetch(`${base}/v1/sessions/acme-only/end`, { method: 'POST', headers: as('acme') });
    expect(ended.status).toBe(200);
    const owner = await liveSocket(`${wsBase}/v1/live?sessionId=acme-only`, keyOf('acme'));
    expect(owner.code).toBe(1000);
    expect(owner.messages.join('\n')).toContain('private');
    const stranger = await liveSocket(`${wsBase}/v1/live?sessionId=acme-only`, keyOf('other'));
    expect(stranger.code).toBe(1008);
    expect(stranger.messages.join('\n')).not.toContain('private');
    // The same session id in the default tenant is the default tenant's own session.
    expect((await completeTranscript('shared-id')).text).toBe(TEXT.default);
    // Each tenant's costs are its own (the fake provider is unpriced, so both are zero).
    expect(await json(await get('/v1/costs', 'acme'))).toMatchObject({ tenant: 'acme' });
  });

  it("refuses session id 'all' where a client names a session", async () => {
    expect((await post('all', speechWav('x'))).status).toBe(400);
    expect((await get('/v1/sessions/all/transcript')).status).toBe(400);
    expect((await get('/v1/sessions/all/events')).status).toBe(400);
    expect((await remove('all')).status).toBe(400);
  });

  it("removes everything a session left, and nothing of the other tenant's session of the same id", async () => {
    const before = await everything(redis);
    expect(before.includes(TEXT.default)).toBe(true);
    expect(before.includes(AUDIO_MARK.default)).toBe(true);

    const deleted = await remove('shared-id');
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toMatchObject({ sessionId: 'shared-id', found: true });

    const after = await everything(redis);
    expect(after.includes(TEXT.default)).toBe(false);
    expect(after.includes(AUDIO_MARK.default)).toBe(false);
    expect(after.includes(TEXT.acme)).toBe(true);
    expect(after.includes(AUDIO_MARK.acme)).toBe(true);
    expect((await get('/v1/sessions/shared-id/transcript')).status).toBe(404);
    expect((await completeTranscript('shared-id', 'acme')).text).toBe(TEXT.acme);
    expect((await remove('shared-id')).status).toBe(404);
  });
});
