import Redis from 'ioredis';
import { KeyScheme, providerGroup } from '@streamscribe/contracts';
import { FakeDeepgramServer, speechWav } from '@streamscribe/testing';
import {
  RouterStack,
  TEST_ADMIN_API_KEY,
  startRouterStack,
  keyedFetch as fetch,
} from './testing/router-stack';

type Body = { message: string; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(30_000);

describe('dead letters: a chunk no provider could take is listed and re-driven by an operator', () => {
  const TOKEN = TEST_ADMIN_API_KEY;
  let stack: RouterStack;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let base: string;

  beforeAll(async () => {
    stack = await startRouterStack({ worker: { WORKER_BLOCK_MS: '200' } });
    ({ redis, deepgram, base } = stack);
  }, 60_000);
  afterAll(() => stack?.close());

  const admin = (path: string, init: RequestInit = {}, token = TOKEN) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...init.headers },
    });
  async function transcriptUntil(sessionId: string, ok: (t: Body) => boolean): Promise<Body> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const transcript = (await (await fetch(`${base}/v1/sessions/${sessionId}/transcript`)).json()) as Body;
      if (ok(transcript)) return transcript;
      if (Date.now() > deadline) throw new Error(`transcript never settled: ${JSON.stringify(transcript)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('answers only with an admin key', async () => {
    expect((await admin('/v1/dead-letters', {}, 'wrong')).status).toBe(401);
    expect((await globalThis.fetch(`${base}/v1/dead-letters`)).status).toBe(401);
    expect((await admin('/v1/dead-letters?count=0')).status).toBe(400);
    const bad = await admin('/v1/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ ids: ['nope'] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Body).message).toMatch(
      /each id must be a dead-letter id like 1700000000000-0/,
    );
    const empty = await admin('/v1/dead-letters/redrive', { method: 'POST', body: JSON.stringify({}) });
    expect(empty.status).toBe(400);
  });

  it('a rejected chunk fails its transcript, shows in the list, and after a re-drive is transcribed', async () => {
    deepgram.failNext(1, { status: 400 }); // permanent for Deepgram, and no other provider is live
    const posted = await fetch(`${base}/v1/sessions/dl-1/chunks?provider=deepgram`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav('second chance'),
    });
    expect(posted.status).toBe(202);
    const failed = await transcriptUntil('dl-1', (t) => t.complete);
    expect(failed).toMatchObject({ failedCount: 1, text: '' });

    const page = (await (await admin('/v1/dead-letters')).json()) as Body;
    expect(page.total).toBe(1);
    const [letter] = page.letters;
    expect(letter).toMatchObject({
      sessionId: 'dl-1',
      failedProvider: 'deepgram',
      redrivable: true,
      redriveCount: 0,
    });
    expect(letter.reason).toMatch(/400/);
    expect(letter).not.toHaveProperty('audio');
    expect(((await (await admin(`/v1/dead-letters/${letter.id}`)).json()) as Body).chunkId).toBe(
      letter.chunkId,
    );
    expect((await admin('/v1/dead-letters/1-1')).status).toBe(404);

    // No whisper worker: its stream has no consumer group, so a re-drive there is refused and the letter stays.
    const refused = await admin('/v1/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ ids: [letter.id], provider: 'whisper' }),
    });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ statusCode: 409, code: 'redrive_no_consumer_group' });
    // A group with no live worker (a fleet that stopped) is refused too.
    await redis.xgroup(
      'CREATE',
      new KeyScheme().providerStream('whisper'),
      providerGroup('whisper'),
      '0',
      'MKSTREAM',
    );
    const noWorker = await admin('/v1/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ all: true, provider: 'whisper' }),
    });
    expect(noWorker.status).toBe(409);
    expect(await noWorker.json()).toMatchObject({ code: 'redrive_no_live_worker' });
    expect(await redis.xlen('transcription:dead-letters')).toBe(1);
    expect(await redis.xlen(new KeyScheme().providerStream('whisper'))).toBe(0);

    const redrive = await admin('/v1/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ ids: [letter.id] }),
    });
    expect(redrive.status).toBe(200);
    expect(await redrive.json()).toMatchObject({
      requeued: 1,
      outcomes: [{ id: letter.id, status: 'requeued', provider: 'deepgram' }],
    });
    const healed = await transcriptUntil('dl-1', (t) => t.failedCount === 0 && t.complete);
    expect(healed).toMatchObject({ resultCount: 1, text: 'second chance' });
    expect(healed.chunks).toHaveLength(1);
    expect(await redis.xlen('transcription:dead-letters')).toBe(0);
    const [[, audit]] = await redis.xrevrange('streamscribe:audit', '+', '-', 'COUNT', 1);
    expect(audit).toEqual(expect.arrayContaining(['actor', 'bootstrap', 'action', 'dead-letters.redrive']));
  });
});
