import { request as httpRequest, ClientRequest, IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import { encodeWav } from '@streamscribe/audio';
import { DEFAULT_TENANT, KeyScheme } from '@streamscribe/contracts';

const keys = new KeyScheme();
import { KEYED, keyedFetch as fetch, speechPcm, speechWav, until } from '@streamscribe/testing';
import { RouterStack, startRouterStack } from './testing/router-stack';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { message: string; code?: string; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/** A request whose body the test writes piece by piece (or never), and its answer. */
function openUpload(
  base: string,
  path: string,
  headers: Record<string, string | number>,
): { request: ClientRequest; answer: Promise<{ status: number; headers: IncomingHttpHeaders; body: Body }> } {
  const url = new URL(path, base);
  const request = httpRequest(url, { method: 'POST', headers: { ...KEYED, ...headers } });
  const answer = new Promise<{ status: number; headers: IncomingHttpHeaders; body: Body }>(
    (resolve, reject) => {
      request.on('response', (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: JSON.parse(Buffer.concat(parts).toString() || '{}') as Body,
          }),
        );
      });
      request.on('error', reject);
    },
  );
  request.flushHeaders();
  return { request, answer };
}

/** A WAV header whose fields are patched after encoding: what no honest encoder writes. */
function patchedWav(pcm: Buffer, patch: (wav: Buffer) => void): Buffer {
  const wav = encodeWav(pcm, { sampleRate: 16_000, channels: 1 });
  patch(wav);
  return wav;
}

describe('uploads: streamed, validated once, bounded, cancelled when cut off', () => {
  let stack: RouterStack;
  let base: string;

  beforeAll(async () => {
    stack = await startRouterStack({
      worker: { WORKER_CONCURRENCY: '1', WORKER_BLOCK_MS: '200' },
      router: {
        MAX_CHUNK_BYTES: String(256 * 1024),
        MAX_FILE_BYTES: String(8 * 1024 * 1024),
        MAX_CHUNKS_PER_FILE: '40',
        MAX_CONCURRENT_UPLOADS_PER_TENANT: '1',
      },
    });
    base = stack.base;
  }, 90_000);
  afterEach(() => stack.deepgram.reset());
  afterAll(() => stack?.close());

  const post = async (path: string, body: Buffer, headers: Record<string, string>) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
  };

  describe('audio the worker would refuse is a 400 with a stable code, never a 500, and queues nothing', () => {
    const fourGigahertz = patchedWav(speechPcm('x'), (wav) => wav.writeUInt32LE(4e9, 24));
    const oneHertz = patchedWav(Buffer.alloc(2000), (wav) => {
      wav.writeUInt32LE(1, 24);
      wav.writeUInt32LE(2, 28);
    });
    const wavType = { 'content-type': 'audio/wav' };
    it.each([
      ['a WAV at 4e9 Hz', '/v1/transcriptions', fourGigahertz, wavType, 'audio_sample_rate'],
      ['a WAV at 4e9 Hz', '/v1/sessions/up-1/chunks', fourGigahertz, wavType, 'audio_sample_rate'],
      [
        'l16 with 65,536 channels',
        '/v1/transcriptions',
        Buffer.alloc(65_536 * 2 * 4),
        { 'content-type': 'audio/l16; rate=16000; channels=65536' },
        'audio_channels',
      ],
      [
        'l16 with 65,536 channels',
        '/v1/sessions/up-1/chunks',
        Buffer.alloc(65_536 * 2),
        { 'content-type': 'audio/l16; rate=16000; channels=65536' },
        'audio_channels',
      ],
      [
        'a 0-sample WAV',
        '/v1/transcriptions',
        encodeWav(Buffer.alloc(0), { sampleRate: 16_000, channels: 1 }),
        wavType,
        'audio_empty',
      ],
      [
        'a 0-sample WAV',
        '/v1/sessions/up-1/chunks',
        encodeWav(Buffer.alloc(0), { sampleRate: 16_000, channels: 1 }),
        wavType,
        'audio_empty',
      ],
      [
        'a 2 KB WAV at 1 Hz, chunkSeconds=1',
        '/v1/transcriptions?chunkSeconds=1',
        oneHertz,
        wavType,
        'audio_sample_rate',
      ],
      [
        '50 ms of audio',
        '/v1/sessions/up-1/chunks',
        speechWav('x', { durationSeconds: 0.05 }),
        wavType,
        'audio_too_short',
      ],
      [
        '41 chunks of a file (MAX_CHUNKS_PER_FILE 40)',
        '/v1/transcriptions?chunkSeconds=1',
        encodeWav(Buffer.alloc(8000 * 2 * 41), { sampleRate: 8000, channels: 1 }),
        wavType,
        'audio_too_many_chunks',
      ],
      [
        'a WAV whose header is cut off',
        '/v1/transcriptions',
        speechWav('x').subarray(0, 30),
        wavType,
        'audio_malformed',
      ],
    ])('%s (%s)', async (_name, path, body, headers, code) => {
      const before = await sessionData();
      const answer = await post(path, body, headers);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe(code);
      expect(answer.body.message).toEqual(expect.any(String));
      expect(await sessionData()).toEqual(before);
    });

    /**
     * Every key but the tenant's request-rate bucket and the API-key bookkeeping (a refused request
     * still counts against the rate), with each stream's length: what a refused upload must not touch.
     */
    async function sessionData(): Promise<Record<string, number>> {
      const keys = (await stack.redis.keys('*')).filter(
        (key) => !/^streamscribe:(tenant:[^:]+:rate|auth:)/.test(key),
      );
      const sizes: Record<string, number> = {};
      for (const key of keys.sort())
        sizes[key] = (await stack.redis.type(key)) === 'stream' ? await stack.redis.xlen(key) : 1;
      return sizes;
    }
  });

  it('answers 413 on a Content-Length over the limit before reading any body', async () => {
    const { request, answer } = openUpload(base, '/v1/transcriptions', {
      'content-type': 'audio/wav',
      'content-length': 9 * 1024 * 1024,
    });
    const { status, body, headers } = await answer;
    request.destroy();
    expect(status).toBe(413);
    expect(body.code).toBe('upload_too_large');
    expect(headers.connection).toBe('close');
    expect(headers['x-powered-by']).toBeUndefined();
  });

  it('refuses a Content-Encoding (415) instead of inflating it, on both routes', async () => {
    const gzip = gzipSync(speechWav('compressed'));
    for (const path of ['/v1/transcriptions', '/v1/sessions/gz-1/chunks']) {
      const answer = await post(path, gzip, { 'content-type': 'audio/wav', 'content-encoding': 'gzip' });
      expect(answer.status).toBe(415);
      expect(answer.body.code).toBe('content_encoding_unsupported');
    }
  });

  it('asks for a Content-Length (411) where nothing else says how long the audio is', async () => {
    const { request, answer } = openUpload(base, '/v1/transcriptions', {
      'content-type': 'audio/l16; rate=16000',
      'transfer-encoding': 'chunked',
    });
    request.write(Buffer.alloc(3200));
    const { status, body } = await answer;
    request.destroy();
    expect(status).toBe(411);
    expect(body.code).toBe('length_required');
  });

  it('splits a streamed WAV into its chunks, a remainder too short for speech joined to the last', async () => {
    const file = Buffer.concat([
      speechPcm('one', { durationSeconds: 1 }),
      speechPcm('two', { durationSeconds: 1.05 }),
    ]);
    const answer = await post(
      '/v1/transcriptions?wait=true&chunkSeconds=1&sessionId=streamed-1',
      encodeWav(file, { sampleRate: 16_000, channels: 1 }),
      { 'content-type': 'audio/wav' },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ chunks: 2, transcript: { complete: true } });
    expect(answer.body.transcript.chunks).toHaveLength(2);
  });

  it('cancels the session of an upload that breaks off: its queued chunks are acknowledged, not transcribed', async () => {
    // One chunk at a time, each slow at the provider: chunks queue up faster than they are taken.
    stack.deepgram.setLatency(() => 1500);
    const seconds = 30;
    const wav = encodeWav(speechPcm('cut off', { durationSeconds: seconds }), {
      sampleRate: 16_000,
      channels: 1,
    });
    const { request, answer } = openUpload(base, '/v1/transcriptions?chunkSeconds=1&sessionId=cut-1', {
      'content-type': 'audio/wav',
      'content-length': wav.length,
    });
    answer.catch(() => undefined);
    request.write(wav.subarray(0, 44 + 32_000 * 12 + 100));
    const meta = keys.sessionMetaKey(keys.session(DEFAULT_TENANT, 'cut-1'));
    const queued = await until(
      async () => Number((await stack.redis.hget(meta, 'chunk_count')) ?? 0),
      (count) => count >= 12,
      20_000,
    );
    expect(queued).toBe(12);
    request.destroy();
    await until(
      () => stack.redis.hget(meta, 'cancelled'),
      (reason) => reason !== null,
      20_000,
    );
    // Every queued chunk settles: pending and lag drain to nothing.
    const stream = keys.providerStream('deepgram');
    await until(
      async () => {
        const [pending] = (await stack.redis.xpending(stream, 'deepgram_workers')) as [number];
        const groups = (await stack.redis.xinfo('GROUPS', stream)) as unknown[][];
        const lag = Number(groups[0][groups[0].indexOf('lag') + 1]);
        return pending + lag;
      },
      (left) => left === 0,
      30_000,
    );
    // At most the chunks the worker had started before the cancel were sent to the provider.
    const calls = stack.deepgram.requests.length;
    expect(calls).toBeLessThan(queued / 2);
    const results = await stack.redis.xlen('transcription:results:cut-1');
    expect(results).toBe(calls);
  });

  it('caps concurrent uploads per tenant (429 too_many_uploads), and frees the slot when one ends', async () => {
    const wav = encodeWav(Buffer.alloc(32_000 * 4), { sampleRate: 16_000, channels: 1 });
    const first = openUpload(base, '/v1/transcriptions?sessionId=slot-1', {
      'content-type': 'audio/wav',
      'content-length': wav.length,
    });
    first.answer.catch(() => undefined);
    first.request.write(wav.subarray(0, 1000));
    // The first holds its slot while its body is incomplete: routed, its chunk count recorded.
    await until(
      () => stack.redis.hget(keys.sessionMetaKey(keys.session(DEFAULT_TENANT, 'slot-1')), 'expected_chunks'),
      (expected) => expected === '1',
    );
    const second = await post('/v1/transcriptions?sessionId=slot-2', wav, { 'content-type': 'audio/wav' });
    expect(second.status).toBe(429);
    expect(second.body.code).toBe('too_many_uploads');
    first.request.end(wav.subarray(1000));
    expect((await first.answer).status).toBe(202);
    const third = await until(
      () => post('/v1/transcriptions?sessionId=slot-3', wav, { 'content-type': 'audio/wav' }),
      (answer) => answer.status !== 429,
      10_000,
    );
    expect(third.status).toBe(202);
  });
});
