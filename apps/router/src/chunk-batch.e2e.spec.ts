import Redis from 'ioredis';
import { encodeWav } from '@streamscribe/audio';
import { CHUNK_BATCH_MEDIA_TYPE, StreamscribeClient, encodeChunkBatch } from '@streamscribe/client';
import { KeyScheme } from '@streamscribe/contracts';
import { TEST_ADMIN_API_KEY, speechWav } from '@streamscribe/testing';
import { RouterStack, startRouterStack } from './testing/router-stack';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a shared machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/** `seconds` of 16 kHz mono silence as WAV. */
const wav = (seconds: number) =>
  encodeWav(Buffer.alloc(Math.round(seconds * 32_000)), { sampleRate: 16_000, channels: 1 });
const keys = new KeyScheme();
const deepgramStream = keys.providerStream('deepgram');

// The batched ingest end to end, with authentication (stored API keys) and quotas on: router,
// worker-deepgram on a fake Deepgram, real Redis.
describe('POST /v1/sessions/{id}/chunks/batch', () => {
  let stack: RouterStack;
  let redis: Redis;
  let base: string;
  const apiKeys = new Map<string, string>();

  const admin = (tenant: string, method: string, body?: unknown) =>
    fetch(`${base}/v1/admin/tenants/${tenant}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const post = (
    tenant: string,
    sessionId: string,
    body: Uint8Array | string,
    contentType = CHUNK_BATCH_MEDIA_TYPE,
    query = '',
  ) =>
    fetch(`${base}/v1/sessions/${sessionId}/chunks/batch${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKeys.get(tenant)}`, 'content-type': contentType },
      body,
    });
  const audioSecondsToday = async (tenant: string) =>
    ((await (await admin(tenant, 'GET')).json()) as Body).usage.audioSecondsToday as number;

  beforeAll(async () => {
    stack = await startRouterStack({
      worker: { WORKER_CONCURRENCY: '8', WORKER_BLOCK_MS: '200' },
      router: {
        QUOTAS_ENABLED: 'true',
        TENANT_SETTINGS_CACHE_MS: '0',
        MAX_BATCH_CHUNKS: '8',
        MAX_BATCH_BYTES: String(300 * 1024),
        MAX_CHUNK_BYTES: String(64 * 1024),
      },
    });
    ({ redis, base } = stack);
    for (const tenant of ['acme', 'mixed', 'talker']) {
      const created = await fetch(`${base}/v1/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant, scopes: ['transcribe', 'read'], name: 'chunk-batch-e2e' }),
      });
      apiKeys.set(tenant, ((await created.json()) as { key: string }).key);
    }
  }, 120_000);
  afterAll(() => stack?.close());

  it('queues every chunk through the SDK (200), each transcribed; a retry of the batch is all duplicates, charged once', async () => {
    const client = new StreamscribeClient({ baseUrl: base, apiKey: apiKeys.get('acme') });
    const session = client.session('batch-1');
    const chunks = ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((word, i) => ({
      audio: speechWav(word),
      chunkId: `c${i}`,
    }));
    const answer = await session.sendChunks(chunks, { provider: 'deepgram' });
    expect(answer).toMatchObject({
      sessionId: 'batch-1',
      provider: 'deepgram',
      accepted: 5,
      duplicates: 0,
      rejected: 0,
    });
    expect(answer.chunks.map((c) => [c.index, c.status, c.chunkId, c.seq])).toEqual(
      chunks.map((c, i) => [i, 'accepted', c.chunkId, i]),
    );
    const charged = await audioSecondsToday('acme');
    expect(charged).toBeGreaterThan(0);
    await session.end();
    const transcript = (await session.waitForTranscript({ timeoutMs: 30_000 })) as unknown as Body;
    expect(transcript).toMatchObject({ complete: true, chunkCount: 5, resultCount: 5 });
    expect(transcript.chunks.map((c: Body) => c.seq)).toEqual([0, 1, 2, 3, 4]);

    const before = await redis.xlen(deepgramStream);
    const again = await session.sendChunks(chunks);
    expect(again).toMatchObject({ accepted: 0, duplicates: 5, rejected: 0 });
    expect(again.chunks.map((c) => c.entryId)).toEqual(answer.chunks.map((c) => c.entryId));
    expect(await redis.xlen(deepgramStream)).toBe(before);
    expect(await audioSecondsToday('acme')).toBe(charged);
  });

  it('answers 207 with a reason per rejected chunk and queues the others; only what was queued stays charged', async () => {
    const body = JSON.stringify({
      chunks: [
        { chunkId: 'ok-1', audio: wav(0.5).toString('base64') },
        { chunkId: 'bad-audio', audio: Buffer.from('not a wav at all').toString('base64') },
        { chunkId: 'bad id!', audio: wav(0.5).toString('base64') },
        { chunkId: 'seq-0-again', seq: 0, audio: wav(0.5).toString('base64') },
        { chunkId: 'too-big', audio: wav(2.5).toString('base64') },
        { audio: wav(0.5).toString('base64'), extra: true },
        { chunkId: 'ok-2', audio: wav(1).toString('base64'), offsetMs: 1000 },
      ],
    });
    const response = await post('mixed', 'batch-2', body, 'application/json');
    expect(response.status).toBe(207);
    const answer = (await response.json()) as Body;
    expect(answer).toMatchObject({ accepted: 2, duplicates: 0, rejected: 5 });
    expect(answer.chunks.map((c: Body) => [c.index, c.status, c.code ?? c.seq])).toEqual([
      [0, 'accepted', 0],
      [1, 'rejected', expect.stringMatching(/^audio_/)],
      [2, 'rejected', 'chunk_invalid'],
      // seq 0 is ok-1's, given in this very batch
      [3, 'rejected', 'seq_taken'],
      [4, 'rejected', 'upload_too_large'],
      [5, 'rejected', 'chunk_invalid'],
      [6, 'accepted', 1],
    ]);
    // Accepted: 0.5 s + 1 s; the seq-taken 0.5 s was charged, then given back.
    expect(await audioSecondsToday('mixed')).toBe(1.5);
    const chunksHash = await redis.hgetall(keys.sessionChunksKey(keys.session('mixed', 'batch-2')));
    expect(
      Object.keys(chunksHash)
        .filter((k) => k.startsWith('c:'))
        .sort(),
    ).toEqual(['c:ok-1', 'c:ok-2']);
  });

  it('refuses the whole batch, queueing nothing, for a key, the quota, the framing, its size or its type', async () => {
    const frames = (n: number, seconds = 1) =>
      encodeChunkBatch(Array.from({ length: n }, (_, i) => ({ audio: wav(seconds), chunkId: `r${i}` })));
    const before = await redis.xlen(deepgramStream);
    const anonymous = await fetch(`${base}/v1/sessions/refused/chunks/batch`, {
      method: 'POST',
      headers: { 'content-type': CHUNK_BATCH_MEDIA_TYPE },
      body: frames(1),
    });
    expect(anonymous.status).toBe(401);
    const tooMany = await post('talker', 'refused', frames(9, 0.5));
    expect([tooMany.status, ((await tooMany.json()) as Body).code]).toEqual([413, 'batch_too_large']);
    // 7 chunks of 1.5 s are over MAX_BATCH_BYTES (300 KiB) as a body, though each is under MAX_CHUNK_BYTES.
    const tooBig = await post('talker', 'refused', frames(7, 1.5));
    expect([tooBig.status, ((await tooBig.json()) as Body).code]).toEqual([413, 'upload_too_large']);
    const truncated = frames(2).subarray(0, 100);
    const malformed = await post('talker', 'refused', truncated);
    expect([malformed.status, ((await malformed.json()) as Body).code]).toEqual([400, 'batch_malformed']);
    expect((await post('talker', 'refused', frames(1), 'audio/wav')).status).toBe(415);
    expect(
      (await post('talker', 'refused', frames(1), CHUNK_BATCH_MEDIA_TYPE, '?consensus=deepgram,whisper'))
        .status,
    ).toBe(400);
    expect((await post('talker', 'refused', frames(1), CHUNK_BATCH_MEDIA_TYPE, '?chunkId=x')).status).toBe(
      400,
    );

    // Audio seconds per day: the batch is charged as a whole, so 3 × 2 s past a 5 s day is refused whole.
    await admin('talker', 'PUT', { audioSecondsPerDay: 5 });
    const overQuota = await post('talker', 'refused', frames(3, 2));
    expect(overQuota.status).toBe(429);
    expect(((await overQuota.json()) as Body).code).toBe('quota_audio_seconds');
    expect(await audioSecondsToday('talker')).toBe(0);
    expect(await redis.xlen(deepgramStream)).toBe(before);
    expect(await redis.exists(keys.sessionMetaKey(keys.session('talker', 'refused')))).toBe(0);
    // Within the day's seconds it goes through.
    expect((await post('talker', 'refused', frames(2, 2))).status).toBe(200);
    expect(await audioSecondsToday('talker')).toBe(4);
  });
});
