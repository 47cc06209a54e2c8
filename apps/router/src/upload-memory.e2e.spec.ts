import { request as httpRequest } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { createGzip } from 'node:zlib';
import type Redis from 'ioredis';
import { encodeWav } from '@streamscribe/audio';
import { KeyScheme, providerGroup, providerHeartbeatKey } from '@streamscribe/contracts';

const keys = new KeyScheme();
import { AppProcess, KEYED, RedisHarness, TEST_ADMIN_API_KEY } from '@streamscribe/testing';
import { MiB, RssSampler, rssOf } from './testing/rss-sampler';

/**
 * The router's memory per upload, measured on a real router process (its RSS from /proc, sampled
 * every 5 ms). `npm test` runs a 20 MB upload and a gzip body that would inflate to 100 MB (about
 * 100 kB on the wire); `npm run test:memory` runs the full figures (100 MB, 500 MB) through
 * UPLOAD_MEMORY_MB and GZIP_INFLATED_MB. The bounds are the same either way.
 */
const UPLOAD_BYTES = Number(process.env['UPLOAD_MEMORY_MB'] ?? 20) * 1_000_000;
const GZIP_INFLATED_BYTES = Number(process.env['GZIP_INFLATED_MB'] ?? 100) * 1_000_000;
// 48 kHz stereo 16-bit in 30 s chunks: 5.76 MB a chunk, the largest the default CHUNK_SECONDS makes of common audio.
const SHAPE = { sampleRate: 48_000, channels: 2 };
const CHUNK_SECONDS = 30;
const CHUNK_BYTES = SHAPE.sampleRate * SHAPE.channels * 2 * CHUNK_SECONDS;

jest.setTimeout(180_000);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** POSTs `pieces` as they are produced, honouring backpressure; resolves with the status and body. */
function postStreamed(
  url: string,
  headers: Record<string, string | number>,
  pieces: AsyncIterable<Buffer>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { ...KEYED, ...headers } });
    request.on('response', (response) => {
      let body = '';
      response.on('data', (part: Buffer) => (body += part.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    // A refusal may close the connection before everything is written; the answer still counts.
    request.on('error', (error) => (request.writableFinished ? undefined : reject(error)));
    void (async () => {
      try {
        for await (const piece of pieces) {
          if (request.destroyed) return;
          if (!request.write(piece)) await new Promise((resolve) => request.once('drain', resolve));
        }
        request.end();
      } catch (error) {
        request.destroy(error as Error);
      }
    })();
  });
}

/** A WAV of `dataBytes` of samples, produced 1 MiB at a time from one reused buffer. */
async function* wavStream(dataBytes: number): AsyncGenerator<Buffer> {
  const header = encodeWav(Buffer.alloc(0), { ...SHAPE });
  header.writeUInt32LE(36 + dataBytes, 4);
  header.writeUInt32LE(dataBytes, 40);
  yield header;
  const block = Buffer.alloc(MiB, 0x11);
  for (let sent = 0; sent < dataBytes; sent += block.length)
    yield block.subarray(0, Math.min(block.length, dataBytes - sent));
}

/** A gzip body (a WAV header, then zeros) that would inflate to `inflatedBytes`. */
async function gzipBomb(inflatedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  gzip.write(encodeWav(Buffer.alloc(0), { sampleRate: 16_000, channels: 1 }));
  const zeros = Buffer.alloc(4 * MiB);
  for (let written = 0; written < inflatedBytes; written += zeros.length)
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  gzip.end();
  await done;
  return Buffer.concat(parts);
}

describe('router memory per upload (a real router process, RSS sampled)', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let router: AppProcess;
  let base: string;
  let heartbeat: NodeJS.Timeout;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
    // A live deepgram fleet as far as routing can tell; nothing consumes, so nothing is paid.
    await redis.xgroup('CREATE', keys.providerStream('deepgram'), providerGroup('deepgram'), '$', 'MKSTREAM');
    const beat = () => redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'deepgram-memory-test');
    await beat();
    heartbeat = setInterval(() => void beat(), 1000);
    const port = await freePort();
    router = await AppProcess.start(
      'router',
      {
        REDIS_URL: harness.url,
        PORT: String(port),
        MANAGEMENT_PORT: '0',
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        MAX_CHUNKS_PER_FILE: '1000',
      },
      90_000,
    );
    base = `http://127.0.0.1:${port}`;
    // Warm up: the first upload loads code paths and grows the heap once; that is not per request.
    const warm = await postStreamed(
      `${base}/v1/transcriptions?chunkSeconds=${CHUNK_SECONDS}`,
      { 'content-type': 'audio/wav', 'content-length': 44 + 2 * CHUNK_BYTES },
      wavStream(2 * CHUNK_BYTES),
    );
    expect(warm.status).toBe(202);
  }, 120_000);
  afterAll(async () => {
    clearInterval(heartbeat);
    await router?.stop();
    redis?.disconnect();
    await harness?.close();
  });

  const settledRss = async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return rssOf(router.pid as number);
  };

  it(`refuses a gzip body that would inflate to ${GZIP_INFLATED_BYTES / 1_000_000} MB without reading it: RSS barely moves`, async () => {
    const bomb = await gzipBomb(GZIP_INFLATED_BYTES);
    const baseline = await settledRss();
    const sampler = new RssSampler(router.pid as number);
    const answer = await postStreamed(
      `${base}/v1/transcriptions`,
      { 'content-type': 'audio/wav', 'content-encoding': 'gzip', 'content-length': bomb.length },
      (async function* () {
        yield bomb;
      })(),
    );
    const growth = sampler.stop() - baseline;
    process.stdout.write(
      `gzip body of ${bomb.length} bytes: ${answer.status}, RSS growth ${(growth / MiB).toFixed(1)} MiB\n`,
    );
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'content_encoding_unsupported' });
    expect(growth).toBeLessThan(16 * MiB);
  });

  it(`streams a ${UPLOAD_BYTES / 1_000_000} MB upload: peak RSS under 2× the chunk size + 64 MiB above baseline`, async () => {
    const baseline = await settledRss();
    const before = await redis.xlen(keys.providerStream('deepgram'));
    const sampler = new RssSampler(router.pid as number);
    const answer = await postStreamed(
      `${base}/v1/transcriptions?chunkSeconds=${CHUNK_SECONDS}`,
      { 'content-type': 'audio/wav', 'content-length': 44 + UPLOAD_BYTES },
      wavStream(UPLOAD_BYTES),
    );
    const growth = sampler.stop() - baseline;
    const bound = 2 * CHUNK_BYTES + 64 * MiB;
    process.stdout.write(
      `${UPLOAD_BYTES} byte upload: ${answer.status}, RSS growth ${(growth / MiB).toFixed(1)} MiB (bound ${(bound / MiB).toFixed(1)} MiB, chunk ${(CHUNK_BYTES / MiB).toFixed(2)} MiB)\n`,
    );
    expect(answer.status).toBe(202);
    const chunks = Math.ceil(UPLOAD_BYTES / CHUNK_BYTES);
    expect(JSON.parse(answer.body)).toMatchObject({ chunks });
    expect((await redis.xlen(keys.providerStream('deepgram'))) - before).toBe(chunks);
    expect(growth).toBeLessThan(bound);
  });
});
