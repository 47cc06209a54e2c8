import { DeepgramClient } from '@deepgram/sdk';
import type Redis from 'ioredis';
import WebSocket from 'ws';
import { KeyScheme, LIVE_STATE_FIELDS, SessionRef } from '@streamscribe/contracts';
import { LiveRouterStore } from '@streamscribe/live';
import {
  RedisHarness,
  SpokenScript,
  TEST_ADMIN_API_KEY,
  spokenScript,
  until as untilRead,
} from '@streamscribe/testing';
import { ScriptedJobPlan, ScriptedLiveWorker } from './testing/scripted-live-worker';
import { TestRouter, startTestRouter } from './testing/router-stack';

// Real Redis, the router in this process, the official SDK client, scripted live workers.
jest.setTimeout(60_000);

type Message = { type: string; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Client {
  messages: Message[];
  closed: Promise<{ code: number; reason: string }>;
  sendMedia(audio: Buffer): void;
  sendCloseStream(): void;
  close(): void;
  requestId: () => string | undefined;
}

const FRAME = 3200; // 100 ms of 16 kHz 16-bit mono

async function until<T>(what: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = what();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const finals = (messages: Message[]) =>
  messages.filter((m) => m.type === 'Results' && m.is_final).flatMap((m) => m.channel.alternatives[0].words);

describe('Deepgram-compatible live /v1/listen through the router (official SDK)', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let router: TestRouter;
  let workers: ScriptedLiveWorker[] = [];
  const keys = new KeyScheme();

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    router = await startTestRouter({
      REDIS_URL: harness.url,
      LOAD_CACHE_MS: '0',
      // No chunk workers here: the fleets count as live (routing's health check) without a heartbeat.
      CLASSIC_FLEETS: 'deepgram,assemblyai,whisper,parakeet',
      LIVE_LEASE_CHECK_MS: '100',
      LIVE_IDLE_TIMEOUT_MS: '2500',
      LIVE_RESUME_WINDOW_MS: '5000',
      LIVE_START_TIMEOUT_MS: '5000',
    });
  }, 90_000);
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
  });
  afterAll(async () => {
    await router?.close();
    redis?.disconnect();
    await harness?.close();
  });

  const worker = (provider: 'deepgram' | 'assemblyai', plan?: (epoch: number) => ScriptedJobPlan) => {
    const w = new ScriptedLiveWorker(harness.url, provider, plan).start();
    workers.push(w);
    return w;
  };

  async function connect(query: Record<string, string | number | boolean> = {}): Promise<Client> {
    const http = router.base;
    const deepgram = new DeepgramClient({
      apiKey: TEST_ADMIN_API_KEY,
      environment: { base: http, production: http.replace(/^http/, 'ws'), agent: '', agentRest: '' },
    });
    const socket = await deepgram.listen.v1.connect({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: 16000,
      interim_results: 'false',
      reconnectAttempts: 0,
      ...(Object.keys(query).length > 0 ? { queryParams: query } : {}),
    } as never);
    const messages: Message[] = [];
    socket.on('message', (m) => messages.push(m as Message));
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (e) => resolve({ code: e.code, reason: e.reason })),
    );
    socket.connect();
    await socket.waitForOpen();
    return {
      messages,
      closed,
      sendMedia: (audio) => socket.sendMedia(audio),
      sendCloseStream: () => socket.sendCloseStream({ type: 'CloseStream' }),
      close: () => socket.close(),
      requestId: () => messages.find((m) => m.type === 'Results')?.metadata?.request_id,
    };
  }

  async function stream(client: Client, script: SpokenScript, fromByte = 0, toByte = script.pcm.length) {
    for (let at = fromByte; at < toByte; at += FRAME) {
      client.sendMedia(script.pcm.subarray(at, Math.min(at + FRAME, toByte)));
      await new Promise((r) => setTimeout(r, 5)); // faster than real time, frames in order
    }
  }

  const conversation = () =>
    spokenScript(
      [
        { words: ['alpha', 'bravo', 'charlie'], startMs: 200 },
        { words: ['delta', 'echo', 'foxtrot'], startMs: 1800 },
        { words: ['golf', 'hotel', 'india'], startMs: 3400 },
      ],
      { totalMs: 4800 },
    );

  it('streams Results as Deepgram does and ends with Metadata and close 1000 on CloseStream', async () => {
    worker('deepgram');
    const script = conversation();
    const client = await connect();
    await stream(client, script);
    client.sendCloseStream();
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    const words = finals(client.messages);
    expect(words.map((w: Message) => w.word)).toEqual(script.words.map((w) => w.word));
    words.forEach((w: Message, i: number) => expect(w.start).toBeCloseTo(script.words[i].startMs / 1000, 2));
    const results = client.messages.find((m) => m.type === 'Results') as Message;
    expect(results).toMatchObject({
      channel_index: [0, 1],
      is_final: true,
      speech_final: true,
      from_finalize: false,
      metadata: { model_info: { name: 'nova-3' } },
      streamscribe: { provider: 'deepgram', epoch: 1 },
    });
    const metadata = client.messages.at(-1) as Message;
    expect(metadata).toMatchObject({
      type: 'Metadata',
      request_id: results.metadata.request_id,
      channels: 1,
    });
    expect(metadata.duration).toBeCloseTo(script.pcm.length / 32000, 2);
  });

  it('fails over without closing the socket: a lost worker (same provider), then a dropped provider (next one); every word once, in order', async () => {
    // Epoch 1 dies silently after 2 finals (its lease lapses); epoch 2 reports the provider dropped after 5.
    // Both deepgram workers follow the same plan: whichever takes an epoch's job plays it.
    const plan = (epoch: number) =>
      epoch === 1
        ? { dieAfterFinals: 2 }
        : epoch === 2
          ? { failAfterFinals: { finals: 5, code: 'provider_dropped' as const } }
          : {};
    worker('deepgram', plan);
    worker('deepgram', plan);
    worker('assemblyai');
    const script = conversation();
    const client = await connect({ fallback: 'assemblyai' });
    await stream(client, script);
    client.sendCloseStream();
    expect((await client.closed).code).toBe(1000);
    const words = finals(client.messages).map((w: Message) => w.word);
    expect(words).toEqual(script.words.map((w) => w.word));
    const failovers = client.messages.filter((m) => m.type === 'Failover');
    expect(failovers.map((f) => [f.from, f.to, f.reason])).toEqual([
      ['deepgram', 'deepgram', 'worker_lost'],
      ['deepgram', 'assemblyai', 'provider_dropped'],
    ]);
    expect(failovers[1].resume_from).toBeGreaterThan(0);
    // After the failover, results come from the new provider and epoch.
    const last = client.messages.filter((m) => m.type === 'Results').at(-1) as Message;
    expect(last.streamscribe).toMatchObject({ provider: 'assemblyai', epoch: 3 });
    const ref = keys.session('default', last.metadata.request_id);
    expect(await redis.hget(keys.liveStateKey(ref), LIVE_STATE_FIELDS.failed)).toBe('deepgram');
  });

  it('a worker that takes the lease while the router is reading it is not taken for lost', async () => {
    // The interleaving a loaded CI machine produced: the router reads the lease before any worker
    // holds it, and by its next read (the events since) the worker has taken it and started. No
    // worker runs until that first read; it is answered only once the worker's `started` is in.
    const read = LiveRouterStore.prototype.leaseHolder;
    let held = false;
    const spy = jest.spyOn(LiveRouterStore.prototype, 'leaseHolder').mockImplementation(async function (
      this: LiveRouterStore,
      ref: SessionRef,
    ) {
      const holder = await read.call(this, ref);
      if (holder || held) return holder;
      held = true;
      worker('deepgram');
      await untilRead(
        () => redis.xrange(keys.liveEventsKey(ref), '-', '+'),
        (entries) => entries.some(([, fields]) => fields.some((field) => field.includes('"started"'))),
        20_000,
      );
      return holder;
    });
    try {
      const script = conversation();
      const client = await connect();
      await stream(client, script);
      client.sendCloseStream();
      expect((await client.closed).code).toBe(1000);
      expect(held).toBe(true);
      expect(client.messages.filter((m) => m.type === 'Failover')).toEqual([]);
      expect(finals(client.messages).map((w: Message) => w.word)).toEqual(script.words.map((w) => w.word));
    } finally {
      spy.mockRestore();
    }
  });

  it('resumes with ?session= and resume_after: the finals missed while away (across a failover), then live; none twice', async () => {
    // The provider fails while the client is away: the missed finals come from two providers.
    worker('deepgram', (epoch) =>
      epoch === 1 ? { failAfterFinals: { finals: 2, code: 'provider_dropped' }, finalDelayMs: 200 } : {},
    );
    worker('assemblyai', () => ({ finalDelayMs: 100 }));
    const script = conversation();
    const first = await connect({ fallback: 'assemblyai' });
    const cut = 2400 * 32; // 2.4 s: the first utterance and most of the second
    await stream(first, script, 0, cut);
    await until(() => finals(first.messages).length >= 1);
    const sessionId = first.requestId() as string;
    const seen = first.messages.filter((m) => m.type === 'Results' && m.is_final);
    const lastSeen = seen.at(-1) as Message;
    first.close(); // gone without CloseStream
    await first.closed;
    // The workers keep finalizing what was sent (4 words end before the cut); the client comes back for it.
    const ref = keys.session('default', sessionId);
    const finalsLogged = async () =>
      (await redis.xrange(keys.liveEventsKey(ref), '-', '+')).filter(([, f]) =>
        f[1].includes('"isFinal":true'),
      ).length;
    const deadline = Date.now() + 20_000;
    while ((await finalsLogged()) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBeLessThan(4); // finals were missed while away
    const second = await connect({ session: sessionId, resume_after: lastSeen.streamscribe.event_id });
    await stream(second, script, cut);
    second.sendCloseStream();
    expect((await second.closed).code).toBe(1000);
    const all = [...finals(seen), ...finals(second.messages)].map((w: Message) => w.word);
    expect(all).toEqual(script.words.map((w) => w.word));
    const providers = new Set(
      [...seen, ...second.messages.filter((m) => m.type === 'Results')].map((m) => m.streamscribe.provider),
    );
    expect([...providers]).toEqual(['deepgram', 'assemblyai']);
  });

  it('closes an idle stream like Deepgram: 1011 NET-0001', async () => {
    worker('deepgram');
    const client = await connect();
    const closed = await client.closed;
    expect(closed.code).toBe(1011);
    expect(closed.reason).toMatch(/NET-0001/);
  });

  it('KeepAlive keeps a silent stream open past the idle timeout', async () => {
    worker('deepgram');
    const ws = new WebSocket(`${router.base.replace(/^http/, 'ws')}/v1/listen?encoding=linear16`, [
      'token',
      TEST_ADMIN_API_KEY,
    ]);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    expect(ws.protocol).toBe('token'); // the key is never echoed back
    for (let i = 0; i < 8; i++) {
      ws.send(JSON.stringify({ type: 'KeepAlive' }));
      await new Promise((r) => setTimeout(r, 500)); // 4 s in all, idle timeout 2.5 s
    }
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.send(JSON.stringify({ type: 'CloseStream' }));
    expect(await closed).toBe(1000);
  });

  it('a client gone without CloseStream: the session is closed after the resume window', async () => {
    worker('deepgram');
    const script = conversation();
    const client = await connect();
    await stream(client, script, 0, 1000 * 32);
    await until(() => finals(client.messages).length >= 1);
    const ref = keys.session('default', client.requestId() as string);
    client.close();
    await client.closed;
    expect(await redis.hget(keys.liveStateKey(ref), LIVE_STATE_FIELDS.status)).toBe('open');
    const deadline = Date.now() + 20_000; // LIVE_RESUME_WINDOW_MS is 5 s here
    while (
      (await redis.hget(keys.liveStateKey(ref), LIVE_STATE_FIELDS.status)) !== 'closed' &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 100));
    expect(await redis.hget(keys.liveStateKey(ref), LIVE_STATE_FIELDS.status)).toBe('closed');
  });

  it('a session no worker takes goes to the next provider after LIVE_START_TIMEOUT_MS', async () => {
    worker('assemblyai'); // no deepgram live worker at all
    const script = conversation();
    const client = await connect({ fallback: 'assemblyai' });
    await stream(client, script);
    client.sendCloseStream();
    expect((await client.closed).code).toBe(1000);
    const [failover] = client.messages.filter((m) => m.type === 'Failover');
    expect(failover).toMatchObject({
      from: 'deepgram',
      to: 'assemblyai',
      reason: 'provider_error',
      resume_from: 0,
    });
    expect(finals(client.messages).map((w: Message) => w.word)).toEqual(script.words.map((w) => w.word));
  });

  it('closes with 1011 when no provider is left (fallback exhausted)', async () => {
    worker('deepgram', () => ({ failAfterFinals: { finals: 0, code: 'provider_refused' } }));
    worker('assemblyai', () => ({ failAfterFinals: { finals: 0, code: 'provider_error' } }));
    const script = conversation();
    const client = await connect({ fallback: 'assemblyai' });
    void stream(client, script).catch(() => undefined);
    const closed = await client.closed;
    expect(closed.code).toBe(1011);
    expect(closed.reason).toMatch(/no provider left/);
    expect(client.messages.filter((m) => m.type === 'Failover').map((f) => f.to)).toEqual(['assemblyai']);
  });

  describe('refused at the upgrade, before any audio', () => {
    const upgrade = (query: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
        const ws = new WebSocket(`${router.base.replace(/^http/, 'ws')}/v1/listen?${query}`, { headers });
        ws.on('open', () => reject(new Error('upgraded')));
        ws.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        });
        ws.on('error', () => undefined);
      });

    it("400 with Deepgram's error body for parameters it cannot use", async () => {
      const answer = await upgrade('encoding=opus&sample_rate=16000', {
        Authorization: `Token ${TEST_ADMIN_API_KEY}`,
      });
      expect(answer.status).toBe(400);
      const body = JSON.parse(answer.body);
      expect(body).toMatchObject({ err_code: 'Bad Request', err_msg: expect.stringMatching(/encoding/) });
      expect(answer.headers['dg-request-id']).toBe(body.request_id);
      expect(answer.headers['dg-error']).toBe(answer.body);
    });

    it('401 for a wrong key, in the Authorization header or the token subprotocol', async () => {
      expect(
        (await upgrade('encoding=linear16', { Authorization: 'Token wrong-key-000000000000' })).status,
      ).toBe(401);
      expect(
        (await upgrade('encoding=linear16', { 'Sec-WebSocket-Protocol': 'token, wrong-key-000000000' }))
          .status,
      ).toBe(401);
    });
  });
});
