import Redis from 'ioredis';
import { FakeDeepgramServer, RedisHarness, speechPcm, speechWav } from '@streamscribe/testing';
import { RouterStack, startRouterStack, keyedFetch as fetch } from './testing/router-stack';

const WAV = 'audio/wav';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { message: string; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = (response: Response) => response.json() as Promise<Body>;

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(30_000);

describe('router + worker-deepgram end to end, on real Redis', () => {
  let stack: RouterStack;
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let base: string;
  let managementUrl: string;

  beforeAll(async () => {
    stack = await startRouterStack({
      harness: { ownServer: true, appendOnly: true },
      worker: { WORKER_CONCURRENCY: '4', WORKER_BLOCK_MS: '200' },
      router: { MAX_CHUNK_BYTES: String(256 * 1024), REDIS_COMMAND_TIMEOUT_MS: '500' },
    });
    ({ harness, redis, deepgram, base, managementUrl } = stack);
  }, 60_000);
  afterEach(() => deepgram.reset());
  afterAll(() => stack?.close());

  const postChunk = (sessionId: string, body: Buffer, query = '', contentType = WAV) =>
    fetch(`${base}/v1/sessions/${sessionId}/chunks${query}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  async function transcriptWhenComplete(sessionId: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await fetch(`${base}/v1/sessions/${sessionId}/transcript`);
      const transcript = await json(response);
      if (transcript.complete) return transcript;
      if (Date.now() > deadline) throw new Error(`transcript incomplete: ${JSON.stringify(transcript)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('returns chunks as a transcript in audio order even when they finish out of order', async () => {
    // The first chunk is slow at the provider, so later chunks finish before it: slow enough that
    // the other three are posted and done first on a loaded CI machine too (400 ms was not).
    deepgram.setLatency((request) => (request.query['model'] && deepgram.requests.length <= 1 ? 3000 : 10));
    const words = ['alpha', 'bravo', 'charlie', 'delta'];
    const accepted = [];
    for (const word of words) {
      const response = await postChunk('ordered-1', speechWav(word));
      expect(response.status).toBe(202);
      accepted.push(await json(response));
    }
    expect(accepted.map((a) => a.seq)).toEqual([0, 1, 2, 3]);
    expect(accepted[0]).toMatchObject({
      sessionId: 'ordered-1',
      chunkId: 'chunk_000000',
      provider: 'deepgram',
    });
    expect(accepted[0].entryId).toMatch(/^\d+-\d+$/);

    const transcript = await transcriptWhenComplete('ordered-1');
    expect(transcript.text).toBe('alpha bravo charlie delta');
    expect(transcript.chunks.map((c: { seq: number; provider: string }) => [c.seq, c.provider])).toEqual([
      [0, 'deepgram'],
      [1, 'deepgram'],
      [2, 'deepgram'],
      [3, 'deepgram'],
    ]);
    const finishOrder = (await redis.xrange('transcription:results:ordered-1', '-', '+')).map(
      ([, f]) => f[f.indexOf('text') + 1],
    );
    expect(finishOrder[finishOrder.length - 1]).toBe('alpha');
  });

  it('accepts raw 16-bit PCM as audio/l16 and sends it to Deepgram as WAV', async () => {
    const response = await postChunk('pcm-1', speechPcm('raw pcm works'), '', 'audio/l16; rate=16000');
    expect(response.status).toBe(202);
    expect((await transcriptWhenComplete('pcm-1')).text).toBe('raw pcm works');
    expect(deepgram.requests.at(-1)?.headers['authorization']).toBe(
      `Token ${FakeDeepgramServer.DEFAULT_API_KEY}`,
    );
  });

  it('processes an entry written exactly as the classic Python producer writes it', async () => {
    await redis.xadd(
      'audio:stream:deepgram',
      '*',
      'chunk_data',
      speechWav('classic compatible').toString('hex'),
      'session_id',
      'session_123',
      'chunk_id',
      'chunk_001',
      'timestamp',
      String(Date.now() / 1000),
      'real_time_required',
      'True',
      'accuracy_critical',
      'False',
      'cost_sensitive',
      'False',
      'fallback_providers',
      'whisper,assemblyai',
    );
    const deadline = Date.now() + 10_000;
    let results: Array<[string, string[]]> = [];
    while (results.length === 0 && Date.now() < deadline) {
      results = await redis.xrange('transcription:results:session_123', '-', '+');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const fields = Object.fromEntries(
      results[0][1].reduce<string[][]>(
        (pairs, v, i, all) => (i % 2 ? pairs : [...pairs, [v, all[i + 1]]]),
        [],
      ),
    );
    expect(fields).toMatchObject({
      text: 'classic compatible',
      provider: 'deepgram',
      chunk_id: 'chunk_001',
      session_id: 'session_123',
    });
    for (const seedField of ['confidence', 'processing_time', 'timestamp'])
      expect(Number(fields[seedField])).not.toBeNaN();
    const all = await redis.xrevrange('transcription:results:all', '+', '-', 'COUNT', 10);
    expect(all.some(([, f]) => f.includes('session_123'))).toBe(true);
  });

  it('a whole file with ?wait=true comes back as its transcript', async () => {
    const file = Buffer.concat(
      ['one', 'two', 'three'].map((word) => speechPcm(word, { durationSeconds: 1 })),
    );
    const response = await fetch(`${base}/v1/transcriptions?wait=true&chunkSeconds=1&sessionId=file-1`, {
      method: 'POST',
      headers: { 'content-type': 'audio/l16; rate=16000' },
      body: file,
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({
      sessionId: 'file-1',
      chunks: 3,
      provider: 'deepgram',
      transcript: { complete: true, text: 'one two three' },
    });
  });

  it('shows the truth through the classic monitoring commands: the group has nothing pending', async () => {
    await transcriptWhenComplete('ordered-1');
    const groups = (await redis.xinfo('GROUPS', 'audio:stream:deepgram')) as unknown[][];
    const group = Object.fromEntries(
      groups[0].reduce<unknown[][]>((pairs, v, i, all) => (i % 2 ? pairs : [...pairs, [v, all[i + 1]]]), []),
    );
    expect(group).toMatchObject({ name: 'deepgram_workers', pending: 0, lag: 0 });
    const [pendingCount] = (await redis.xpending('audio:stream:deepgram', 'deepgram_workers')) as [number];
    expect(pendingCount).toBe(0);
  });

  describe('bad input gets a clear 4xx and changes nothing in Redis', () => {
    const truncatedWav = speechWav('x').subarray(0, 30);
    it.each([
      ['an empty body', Buffer.alloc(0), '', WAV, 400, /audio body is empty/],
      ['a truncated WAV header', truncatedWav, '', WAV, 400, /WAV/],
      ['text that is not WAV', Buffer.from('hello, I am not audio at all'), '', WAV, 400, /RIFF|WAV/],
      ['an odd-length l16 body', Buffer.alloc(3), '', 'audio/l16; rate=16000', 400, /l16|multiple|frame/i],
      ['a chunk over MAX_CHUNK_BYTES', Buffer.alloc(300 * 1024), '', WAV, 413, /MAX_CHUNK_BYTES/],
      ['an unknown provider', speechWav('x'), '?provider=otter', WAV, 400, /provider must be one of/],
      ['an unknown fallback provider', speechWav('x'), '?fallback=deepgram,otter', WAV, 400, /otter/],
      ['a bad seq', speechWav('x'), '?seq=-1', WAV, 400, /seq/],
      ['an unknown query parameter', speechWav('x'), '?speed=fast', WAV, 400, /speed/],
      [
        'an unsupported content type',
        speechWav('x'),
        '',
        'text/plain',
        415,
        /audio\/wav .*audio\/mpeg, audio\/ogg/,
      ],
      ['a WAV labelled as mp3', speechWav('x'), '', 'audio/mpeg', 400, /could not decode the audio as mp3/],
    ])('%s', async (_name, body, query, contentType, status, message) => {
      const before = await redis.dbsize();
      const lengthBefore = await redis.xlen('audio:stream:deepgram');
      const response = await postChunk('bad-input', body, query, contentType);
      expect(response.status).toBe(status);
      expect((await json(response)).message).toEqual(expect.stringMatching(message));
      expect(await redis.dbsize()).toBe(before);
      expect(await redis.xlen('audio:stream:deepgram')).toBe(lengthBefore);
    });

    it('a malformed session id', async () => {
      const before = await redis.dbsize();
      const response = await postChunk('bad%20id!', speechWav('x'));
      expect(response.status).toBe(400);
      expect((await json(response)).message).toMatch(/session id .* is malformed/);
      expect(await redis.dbsize()).toBe(before);
    });
  });

  it('answers 503 no_provider_available, without fleet state, when the requested provider has no live worker', async () => {
    const response = await postChunk('no-whisper', speechWav('x'), '?provider=whisper');
    expect(response.status).toBe(503);
    const body = await json(response);
    expect(body).toEqual({ statusCode: 503, code: 'no_provider_available', message: expect.any(String) });
    expect(body.message).not.toMatch(/worker|breaker|whisper/);
  });

  it('answers 404 for a session it has never seen', async () => {
    const response = await fetch(`${base}/v1/sessions/never-seen/transcript`);
    expect(response.status).toBe(404);
  });

  it('exposes /metrics and /health', async () => {
    const metrics = await (await fetch(`${managementUrl}/metrics`)).text();
    expect(metrics).toMatch(/streamscribe_chunks_ingested_total\{provider="deepgram",reason="[a-z_]+"\} \d+/);
    expect(metrics).toMatch(/streamscribe_requests_rejected_total\{status="413"\} 1/);
    expect(metrics).toMatch(/streamscribe_requests_rejected_total\{status="400"\} \d+/);
    expect((await fetch(`${managementUrl}/health/ready`)).status).toBe(200);
    expect((await fetch(`${managementUrl}/health/live`)).status).toBe(200);
  });

  it('answers 503 (never 202) while Redis is down, and recovers by itself', async () => {
    await harness.kill();
    try {
      const during = await postChunk('outage-1', speechWav('during'));
      expect(during.status).toBe(503);
      expect(await json(during)).toEqual({
        statusCode: 503,
        code: 'redis_unavailable',
        message: expect.stringMatching(/^Redis is unreachable; nothing was stored/),
      });
      expect((await fetch(`${managementUrl}/health/ready`)).status).toBe(503);
    } finally {
      await harness.restart();
    }
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (status !== 202 && Date.now() < deadline) {
      status = (await postChunk('outage-1', speechWav('after the outage'))).status;
      if (status !== 202) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(202);
    expect((await transcriptWhenComplete('outage-1')).text).toBe('after the outage');
  });
});
