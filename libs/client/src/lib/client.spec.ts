import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { StreamscribeClient } from './client';
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PermissionError,
  QuotaError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  ValidationError,
  errorFromResponse,
  isRetryable,
  retryAfterMs,
} from './errors';
import { backoffMs, buildQuery, DEFAULT_RETRY } from './http';
import { sniffContentType } from './upload-body';

/** A real HTTP server answering from a script of replies, recording what each request carried. */
async function scriptedServer(
  replies: Array<{ status: number; headers?: Record<string, string>; body: unknown }>,
): Promise<{
  url: string;
  seen: Array<{ url: string; headers: IncomingMessage['headers']; body: Buffer }>;
  close(): Promise<void>;
}> {
  const seen: Array<{ url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = [];
    request.on('data', (p: Buffer) => parts.push(p));
    request.on('end', () => {
      seen.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(parts) });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)];
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('errors', () => {
  const headers = (h: Record<string, string> = {}) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

  it.each([
    [400, undefined, ValidationError],
    [413, undefined, ValidationError],
    [401, undefined, AuthenticationError],
    [403, 'consensus_not_allowed', PermissionError],
    [404, undefined, NotFoundError],
    [409, undefined, ConflictError],
    [402, 'quota_spend', QuotaError],
    [429, 'quota_audio_seconds', QuotaError],
    [429, 'quota_rate', RateLimitError],
    [503, 'router_live_connections_full', ServiceUnavailableError],
    [502, undefined, ServiceUnavailableError],
    [500, undefined, ServerError],
  ])('%i %s is a %p', (status, code, kind) => {
    const error = errorFromResponse(
      status,
      { statusCode: status, code, message: 'why' },
      headers(),
      'GET /v1/x',
    );
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ status, code, message: 'why (GET /v1/x)', name: kind.name });
  });

  it('reads the message from our shape, OpenAI-style errors, Deepgram-style errors and arrays', () => {
    expect(errorFromResponse(400, { message: ['a', 'b'] }, headers()).message).toBe('a; b');
    expect(errorFromResponse(400, { error: { message: 'm', code: 'c' } }, headers())).toMatchObject({
      message: 'm',
      code: 'c',
    });
    expect(errorFromResponse(400, { err_msg: 'dg', err_code: 'Bad Request' }, headers())).toMatchObject({
      message: 'dg',
      code: 'Bad Request',
    });
    expect(errorFromResponse(500, '', headers()).message).toBe('HTTP 500');
  });

  it('Retry-After in seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
    expect(errorFromResponse(429, {}, headers({ 'retry-after': '2' })).retryAfterMs).toBe(2000);
  });

  it('retries only what retrying can fix', () => {
    expect(isRetryable(errorFromResponse(429, { code: 'quota_rate' }, headers()))).toBe(true);
    expect(isRetryable(errorFromResponse(503, {}, headers()))).toBe(true);
    expect(isRetryable(errorFromResponse(402, {}, headers()))).toBe(false);
    expect(isRetryable(errorFromResponse(400, {}, headers()))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });

  it('backoff: Retry-After when given (capped), else exponential within [exp/2, exp]', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffMs(policy, 1, errorFromResponse(429, {}, headers({ 'retry-after': '0.3' })))).toBe(300);
    expect(backoffMs(policy, 1, errorFromResponse(429, {}, headers({ 'retry-after': '60' })))).toBe(1000);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const delay = backoffMs(policy, attempt, errorFromResponse(503, {}, headers()));
      const exp = 100 * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(exp / 2);
      expect(delay).toBeLessThanOrEqual(exp);
    }
  });
});

describe('query and content type', () => {
  it('drops empty values and joins lists', () => {
    expect(buildQuery({ a: 1, b: undefined, c: null, d: ['x', 'y'], e: [], f: false })).toBe(
      '?a=1&d=x%2Cy&f=false',
    );
    expect(buildQuery({})).toBe('');
  });

  it('sniffs the containers the router decodes', () => {
    const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
    expect(sniffContentType(bytes('RIFF....WAVE'))).toBe('audio/wav');
    expect(sniffContentType(bytes('ID3\u0004'))).toBe('audio/mpeg');
    expect(sniffContentType(bytes('OggS\u0000'))).toBe('audio/ogg');
    expect(sniffContentType(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]))).toBe('audio/webm');
    expect(sniffContentType(bytes('\u0000\u0000\u0000\u0020ftypM4A '))).toBe('audio/mp4');
    expect(sniffContentType(bytes('????'))).toBeUndefined();
  });
});

describe('retries over HTTP', () => {
  it('a 503 with Retry-After is retried with the same chunkId and body, after the wait it asked for', async () => {
    const server = await scriptedServer([
      { status: 503, headers: { 'retry-after': '0' }, body: { statusCode: 503, message: 'no provider' } },
      { status: 503, body: { statusCode: 503, message: 'still none' } },
      {
        status: 202,
        body: {
          sessionId: 's',
          chunkId: 'k',
          seq: 0,
          provider: 'deepgram',
          entryId: '1-0',
          duplicate: false,
        },
      },
    ]);
    try {
      const waits: number[] = [];
      const client = new StreamscribeClient({
        baseUrl: server.url,
        apiKey: 'ss_test',
        retry: { baseDelayMs: 1 },
        onRetry: (error, _attempt, delayMs) => {
          expect(error).toBeInstanceOf(ServiceUnavailableError);
          waits.push(delayMs);
        },
      });
      const audio = new Uint8Array([82, 73, 70, 70, 1, 2, 3, 4]);
      const accepted = await client.session('s').sendChunk(audio, { seq: 0, provider: 'deepgram' });
      expect(accepted.chunkId).toBe('k');
      expect(waits[0]).toBe(0); // Retry-After: 0
      expect(server.seen).toHaveLength(3);
      const chunkIds = server.seen.map((s) => new URL(s.url, server.url).searchParams.get('chunkId'));
      expect(new Set(chunkIds).size).toBe(1);
      expect(chunkIds[0]).toMatch(/^[0-9a-f-]{36}$/);
      for (const s of server.seen) {
        expect([...s.body]).toEqual([...audio]);
        expect(s.headers['authorization']).toBe('Bearer ss_test');
        expect(s.headers['content-type']).toBe('audio/wav');
      }
    } finally {
      await server.close();
    }
  });

  it('gives up after maxRetries with the last typed error; a 400 is never retried', async () => {
    const server = await scriptedServer([
      { status: 429, headers: { 'retry-after': '0' }, body: { code: 'quota_rate', message: 'slow down' } },
    ]);
    try {
      const client = new StreamscribeClient({
        baseUrl: server.url,
        retry: { maxRetries: 2, baseDelayMs: 1 },
      });
      await expect(client.providers.status()).rejects.toBeInstanceOf(RateLimitError);
      expect(server.seen).toHaveLength(3);
    } finally {
      await server.close();
    }
    const refusing = await scriptedServer([{ status: 400, body: { message: 'bad' } }]);
    try {
      const client = new StreamscribeClient({
        baseUrl: refusing.url,
        retry: { maxRetries: 5, baseDelayMs: 1 },
      });
      await expect(client.session('s').sendChunk(new Uint8Array(4))).rejects.toBeInstanceOf(ValidationError);
      expect(refusing.seen).toHaveLength(1);
    } finally {
      await refusing.close();
    }
  });

  it('a streamed upload (length unknown to the SDK) is not resent after a 503: the body is gone', async () => {
    const server = await scriptedServer([{ status: 503, body: { message: 'busy' } }]);
    try {
      const client = new StreamscribeClient({ baseUrl: server.url, retry: { baseDelayMs: 1 } });
      async function* pieces() {
        yield new Uint8Array([82, 73, 70, 70]);
        yield new Uint8Array([0, 0, 0, 0]);
      }
      await expect(client.transcribeFile(pieces())).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(server.seen).toHaveLength(1);
      expect(server.seen[0].headers['transfer-encoding']).toBe('chunked');
      expect([...server.seen[0].body]).toEqual([82, 73, 70, 70, 0, 0, 0, 0]);
    } finally {
      await server.close();
    }
  });
});
