import Redis from 'ioredis';
import { speechWav } from '@streamscribe/testing';
import { RouterStack, startRouterStack, testTenantHeaders } from './testing/router-stack';

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

describe('DELETE /v1/sessions/{id} and tenant isolation, router + worker-deepgram on real Redis', () => {
  let stack: RouterStack;
  let redis: Redis;
  let base: string;

  beforeAll(async () => {
    stack = await startRouterStack({
      worker: { WORKER_BLOCK_MS: '200' },
      router: { SESSION_SWEEP_INTERVAL_MS: '0', ADMIN_TOKEN: 'test-admin-token' },
      beforeListen: testTenantHeaders,
    });
    ({ redis, base } = stack);
  }, 90_000);
  afterAll(() => stack?.close());

  // The operator token lets requests through the dead-letter routes' guard; the tenant decides the view.
  const as = (tenant?: string): Record<string, string> => ({
    authorization: 'Bearer test-admin-token',
    ...(tenant ? { 'x-test-tenant': tenant } : {}),
  });
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
    // Each tenant sees its own dead letter only.
    const letters = await json(await get('/v1/dead-letters', 'acme'));
    expect(letters.letters).toEqual([expect.objectContaining({ sessionId: 'shared-id', tenant: 'acme' })]);

    expect((await get('/v1/sessions/acme-only/transcript')).status).toBe(404);
    expect((await get('/v1/sessions/acme-only/transcript', 'other')).status).toBe(404);
    expect((await get('/v1/sessions/acme-only/events', 'other')).status).toBe(404);
    expect((await remove('acme-only', 'other')).status).toBe(404);
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
