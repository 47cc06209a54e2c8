import { Readable } from 'node:stream';
import WebSocket from 'ws';
import {
  AuthenticationError,
  ConnectionError,
  DeadLetter,
  FetchLike,
  LiveMessage,
  LiveResults,
  NotFoundError,
  PermissionError,
  RateLimitError,
  StreamscribeClient,
  UploadProgress,
  ValidationError,
} from '@streamscribe/client';
import { TEST_ADMIN_API_KEY, speechWav, spokenScript } from '@streamscribe/testing';
import { RouterStack, startRouterStack } from './testing/router-stack';

// The SDK against a real router stack: Redis, worker-deepgram and the fake Deepgram (batch and live).
jest.setTimeout(90_000);

describe('@streamscribe/client against a router stack', () => {
  let stack: RouterStack;
  let admin: StreamscribeClient;

  beforeAll(async () => {
    stack = await startRouterStack({
      worker: { WORKER_BLOCK_MS: '200' },
      router: { LIVE_RESUME_WINDOW_MS: '10000', LIVE_LEASE_CHECK_MS: '100' },
    });
    admin = new StreamscribeClient({ baseUrl: stack.base, apiKey: TEST_ADMIN_API_KEY });
  }, 120_000);
  afterEach(() => stack.deepgram.reset());
  afterAll(() => stack?.close());

  /** A key of its own tenant, made through the SDK's admin API. */
  async function tenantClient(
    tenant: string,
    scopes = ['transcribe', 'read'],
    extra: Partial<ConstructorParameters<typeof StreamscribeClient>[0]> = {},
  ) {
    const created = await admin.keys.create({ tenant, scopes, name: `${tenant}-sdk` });
    return {
      created,
      client: new StreamscribeClient({ baseUrl: stack.base, apiKey: created.key, ...extra }),
    };
  }

  describe('files', () => {
    it('streams a Node Readable with progress, waits for the transcript, and returns each format', async () => {
      const { client } = await tenantClient('files');
      const wav = speechWav('the quick brown fox', { durationSeconds: 2 });
      const progress: UploadProgress[] = [];
      // A stream of 4 KiB pieces: the SDK cannot know its length unless told.
      const pieces = Array.from({ length: Math.ceil(wav.length / 4096) }, (_, i) =>
        wav.subarray(i * 4096, (i + 1) * 4096),
      );
      const json = await client.transcribeFile(Readable.from(pieces), {
        contentLength: wav.length,
        onProgress: (p) => progress.push(p),
      });
      expect(json.transcript.complete).toBe(true);
      expect(json.transcript.text).toBe('the quick brown fox');
      expect(JSON.parse(json.output)).toMatchObject({
        sessionId: json.sessionId,
        text: 'the quick brown fox',
      });
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toEqual({ sentBytes: wav.length, totalBytes: wav.length });
      expect(progress.map((p) => p.sentBytes)).toEqual(
        [...progress.map((p) => p.sentBytes)].sort((a, b) => a - b),
      );

      for (const format of ['text', 'srt', 'vtt'] as const) {
        const result = await client.transcribeFile(wav, { format });
        expect(result.format).toBe(format);
        expect(result.transcript.text).toBe('the quick brown fox');
        if (format === 'text') expect(result.output.trim()).toBe('the quick brown fox');
        if (format === 'srt')
          expect(result.output).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\r?\n/);
        if (format === 'vtt') expect(result.output).toMatch(/^WEBVTT/);
      }
    });

    it('a Blob (what a browser hands over) in memory, with its length known to progress', async () => {
      const { client } = await tenantClient('blobs');
      const wav = speechWav('from a blob');
      const seen: UploadProgress[] = [];
      const result = await client.transcribeFile(new Blob([wav]), { onProgress: (p) => seen.push(p) });
      expect(result.transcript.text).toBe('from a blob');
      expect(seen.at(-1)).toEqual({ sentBytes: wav.length, totalBytes: wav.length });
    });
  });

  describe('sessions and chunks', () => {
    it('posts chunks, ends, and reads the transcript (json and text)', async () => {
      const { client } = await tenantClient('chunks');
      const session = client.session();
      const first = await session.sendChunk(speechWav('hello'), { seq: 0, chunkId: 'c0' });
      expect(first).toMatchObject({ sessionId: session.id, chunkId: 'c0', seq: 0, duplicate: false });
      await session.sendChunk(speechWav('world'), { seq: 1 });
      expect(await session.end()).toMatchObject({ sessionId: session.id, chunks: 2 });
      const transcript = await session.waitForTranscript({ timeoutMs: 30_000, pollIntervalMs: 100 });
      expect(transcript.text).toBe('hello world');
      expect((await session.transcript({ format: 'text' })).trim()).toBe('hello world');
    });

    it('a retry after a lost answer reuses the chunkId: the router answers duplicate and queues it once', async () => {
      let dropped = 0;
      // The router takes the chunk, then the answer is lost on the way back (as a reset connection would).
      const losingFetch: FetchLike = async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).includes('/chunks') && dropped === 0) {
          dropped++;
          await response.arrayBuffer();
          throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        }
        return response;
      };
      const retries: string[] = [];
      const { client } = await tenantClient('retries', ['transcribe', 'read'], {
        fetch: losingFetch,
        retry: { baseDelayMs: 10 },
        onRetry: (error) => retries.push(error.constructor.name),
      });
      const session = client.session();
      const accepted = await session.sendChunk(speechWav('only once'), { seq: 0 });
      expect(retries).toEqual(['ConnectionError']);
      expect(accepted.duplicate).toBe(true);
      await session.end();
      const transcript = await session.waitForTranscript({ timeoutMs: 30_000, pollIntervalMs: 100 });
      expect(transcript.chunkCount).toBe(1);
      expect(transcript.text).toBe('only once');
    });

    it('backs off on 429 for as long as Retry-After says, then succeeds', async () => {
      const { client } = await tenantClient('rated', ['transcribe', 'read'], {
        retry: { maxRetries: 3, maxDelayMs: 5_000 },
      });
      await admin.tenants.update('rated', { requestsPerSecond: 1, burst: 1 });
      const waits: Array<{ name: string; delayMs: number; retryAfterMs?: number }> = [];
      const patient = new StreamscribeClient({
        baseUrl: stack.base,
        apiKey: client.options.apiKey,
        retry: { maxRetries: 3, maxDelayMs: 5_000 },
        onRetry: (error, _attempt, delayMs) =>
          waits.push({ name: error.constructor.name, delayMs, retryAfterMs: error.retryAfterMs }),
      });
      const session = patient.session();
      await session.sendChunk(speechWav('one'), { seq: 0 });
      await session.sendChunk(speechWav('two'), { seq: 1 }); // the bucket is empty: 429, wait, retry
      expect(waits.length).toBeGreaterThanOrEqual(1);
      expect(waits[0].name).toBe('RateLimitError');
      expect(waits[0].retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(waits[0].delayMs).toBe(waits[0].retryAfterMs);

      // Without retries the refusal surfaces as a typed error carrying Retry-After.
      const impatient = new StreamscribeClient({
        baseUrl: stack.base,
        apiKey: client.options.apiKey,
        retry: { maxRetries: 0 },
      });
      await impatient.providers.status().catch(() => undefined); // drain the bucket
      const refused = await impatient.providers.status().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(RateLimitError);
      expect(refused).toMatchObject({ status: 429, code: 'quota_rate' });
      expect((refused as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(1000);
      await admin.tenants.reset('rated');
    });
  });

  describe('typed errors', () => {
    it('401, 403, 404 and 400 each have their class', async () => {
      const anonymous = new StreamscribeClient({ baseUrl: stack.base, apiKey: 'ss_not_a_key_at_all' });
      await expect(anonymous.providers.status()).rejects.toBeInstanceOf(AuthenticationError);
      const { client } = await tenantClient('reader', ['read']);
      await expect(client.keys.list()).rejects.toBeInstanceOf(PermissionError);
      await expect(client.session('nobody-here').sendChunk(speechWav('x'))).rejects.toBeInstanceOf(
        PermissionError,
      );
      await expect(admin.keys.revoke('no-such-key')).rejects.toBeInstanceOf(NotFoundError);
      await expect(admin.keys.create({ tenant: 'Bad Tenant!', scopes: ['read'] })).rejects.toBeInstanceOf(
        ValidationError,
      );
      const nowhere = new StreamscribeClient({
        baseUrl: 'http://127.0.0.1:1',
        apiKey: 'k',
        retry: { maxRetries: 0 },
      });
      await expect(nowhere.providers.status()).rejects.toBeInstanceOf(ConnectionError);
    });
  });

  describe('keys and admin', () => {
    it('creates, lists, rotates and revokes keys; tenants; providers; dead letters re-driven', async () => {
      const { created, client } = await tenantClient('keyed');
      expect(created.key).toMatch(/\S{16,}/);
      expect((await admin.keys.list({ tenant: 'keyed' })).map((k) => k.id)).toContain(created.id);
      const rotated = await admin.keys.rotate(created.id);
      expect(rotated.replaced.id).toBe(created.id);
      await expect(client.providers.status()).rejects.toBeInstanceOf(AuthenticationError);
      const next = new StreamscribeClient({ baseUrl: stack.base, apiKey: rotated.key });
      const providers = await next.providers.status();
      expect(providers.length).toBeGreaterThan(0);
      await admin.keys.revoke(rotated.id);
      await expect(next.providers.status()).rejects.toBeInstanceOf(AuthenticationError);

      expect(await admin.tenants.update('keyed', { burst: 50 })).toMatchObject({ tenant: 'keyed' });
      expect(await admin.tenants.get('keyed')).toMatchObject({ tenant: 'keyed' });
      await admin.tenants.reset('keyed');

      // A permanent Deepgram failure dead-letters the chunk; once Deepgram is back, a re-drive transcribes it.
      stack.deepgram.failNext(1, { status: 400 });
      const session = admin.session();
      await session.sendChunk(speechWav('second chance'), { seq: 0 });
      let letters: DeadLetter[] = [];
      for (let i = 0; i < 200 && letters.length === 0; i++) {
        letters = (await admin.deadLetters.list()).letters.filter((l) => l.sessionId === session.id);
        if (letters.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(letters).toHaveLength(1);
      expect(await admin.deadLetters.get(letters[0].id)).toMatchObject({ id: letters[0].id });
      const redriven = await admin.deadLetters.redrive({ ids: [letters[0].id] });
      expect(redriven.requeued).toBe(1);
      await session.end();
      // The session stays complete (its one chunk failed) until the worker's result for the
      // re-driven entry supersedes the failure: waitForTranscript alone could return that one.
      let healed = await session.waitForTranscript({ timeoutMs: 30_000, pollIntervalMs: 100 });
      for (let i = 0; i < 300 && healed.failedCount > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        healed = await session.waitForTranscript({ timeoutMs: 30_000, pollIntervalMs: 100 });
      }
      expect(healed).toMatchObject({ failedCount: 0, text: 'second chance' });
    });
  });

  describe('live', () => {
    const FRAME = 3200; // 100 ms of 16 kHz 16-bit mono
    const script = () =>
      spokenScript(
        [
          { words: ['alpha', 'bravo', 'charlie'], startMs: 200 },
          { words: ['delta', 'echo', 'foxtrot'], startMs: 1800 },
          { words: ['golf', 'hotel', 'india'], startMs: 3400 },
        ],
        { totalMs: 4800 },
      );
    const finalWords = (messages: LiveMessage[]) =>
      messages
        .filter((m): m is LiveResults => m.type === 'Results' && (m as LiveResults).is_final)
        .flatMap((m) => m.channel.alternatives[0].words.map((w) => w.word));

    async function play(send: (frame: Uint8Array) => void, pcm: Buffer, from = 0, to = pcm.length) {
      for (let at = from; at < to; at += FRAME) {
        send(pcm.subarray(at, Math.min(at + FRAME, to)));
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    it('streams frames and iterates results until the router closes after close()', async () => {
      const { client } = await tenantClient('live');
      const spoken = script();
      const live = client.live({ model: 'nova-3' });
      const collected = (async () => {
        const all: LiveMessage[] = [];
        for await (const message of live.results()) all.push(message);
        return all;
      })();
      await play((f) => live.send(f), spoken.pcm);
      live.close();
      const messages = await collected;
      expect(finalWords(messages)).toEqual(spoken.words.map((w) => w.word));
      expect(messages.at(-1)?.type).toBe('Metadata');
      expect(live.sessionId).toBeDefined();
      expect(live.reconnects).toBe(0);
    });

    it('resumes after the socket drops (session + resume_after): every word once, in order', async () => {
      const { client: plain } = await tenantClient('resumer');
      const sockets: WebSocket[] = [];
      class TrackedWebSocket extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      }
      const client = new StreamscribeClient({
        baseUrl: stack.base,
        apiKey: plain.options.apiKey,
        WebSocket: TrackedWebSocket as never,
      });
      const spoken = script();
      const live = client.live({ model: 'nova-3', reconnectDelayMs: 50 });
      const messages: LiveMessage[] = [];
      const done = (async () => {
        for await (const message of live.results()) messages.push(message);
      })();
      const half = Math.floor(spoken.pcm.length / 2 / FRAME) * FRAME;
      await play((f) => live.send(f), spoken.pcm, 0, half);
      // Wait for a first final, so the resume has an event id to continue after.
      for (let i = 0; i < 400 && finalWords(messages).length === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(finalWords(messages).length).toBeGreaterThan(0);
      sockets[0].terminate(); // the network drops: no close frame
      await play((f) => live.send(f), spoken.pcm, half);
      live.close();
      await done;
      expect(live.reconnects).toBeGreaterThanOrEqual(1);
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect(sockets[1].url).toContain(`session=${live.sessionId}`);
      expect(sockets[1].url).toMatch(/resume_after=\d+-\d+/);
      expect(finalWords(messages)).toEqual(spoken.words.map((w) => w.word));
    });

    it('a refused upgrade is a typed error from results()', async () => {
      const anonymous = new StreamscribeClient({ baseUrl: stack.base, apiKey: 'ss_wrong' });
      const live = anonymous.live();
      await expect(
        (async () => {
          for await (const message of live.results()) void message;
        })(),
      ).rejects.toBeInstanceOf(AuthenticationError);
    });
  });
});
