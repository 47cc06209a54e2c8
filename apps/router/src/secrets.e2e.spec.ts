import Redis from 'ioredis';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  TEST_ADMIN_API_KEY,
  freePort,
  speechWav,
  startDeepgramWorker,
  until,
} from '@streamscribe/testing';

// Real processes on a shared machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(120_000);

/** Secrets planted in every place a secret enters; none may come out anywhere. */
const PLANTED = {
  deepgramKey: 'dg-planted-provider-key-7f3a9c',
  redisPassword: 'planted-redis-password-51e2',
  clientKey: 'sk-planted-client-key-0b44d1',
  malformedUrlPassword: 'planted-malformed-url-pw-93c7',
};

describe('no secret in any log line, error body, /metrics or /v1/providers', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let worker: AppProcess;
  let router: AppProcess;
  let base: string;
  let managementUrl: string;
  let redisUrl: string;
  /** Everything that came out: response bodies and headers, scrapes, and (at the end) every log. */
  const seen: string[] = [];

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    const admin = harness.client();
    await admin.config('SET', 'requirepass', PLANTED.redisPassword);
    admin.disconnect();
    redisUrl = harness.url.replace('redis://', `redis://default:${PLANTED.redisPassword}@`);
    redis = new Redis(redisUrl);
    deepgram = await FakeDeepgramServer.start({ apiKey: PLANTED.deepgramKey });
    const common = { LOG_LEVEL: 'debug' };
    worker = await startDeepgramWorker(redisUrl, deepgram, { ...common, HEARTBEAT_INTERVAL_MS: '200' });
    const [port, managementPort] = [await freePort(), await freePort()];
    router = await AppProcess.start('router', {
      ...common,
      REDIS_URL: redisUrl,
      PORT: String(port),
      MANAGEMENT_PORT: String(managementPort),
      LOAD_CACHE_MS: '0',
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    });
    base = `http://127.0.0.1:${port}`;
    managementUrl = `http://127.0.0.1:${managementPort}`;
  }, 90_000);
  afterAll(async () => {
    await router?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await deepgram?.close();
    redis?.disconnect();
    await harness?.close();
  });

  /**
   * A request as a client makes it, with the test key; the planted client key rides along in
   * `x-api-key` (a header the router does not read, but may log) unless the call sends it as its
   * Bearer key instead. What came back is recorded.
   */
  async function call(path: string, init: RequestInit = {}, url = base): Promise<Response> {
    const response = await fetch(`${url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${TEST_ADMIN_API_KEY}`,
        'x-api-key': PLANTED.clientKey,
        ...init.headers,
      },
    });
    const body = await response.clone().text();
    seen.push(`${path} ${response.status} ${JSON.stringify([...response.headers])} ${body}`);
    return response;
  }
  const postChunk = (session: string, body: Buffer, contentType = 'audio/wav') =>
    call(`/v1/sessions/${session}/chunks?provider=deepgram`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  it('shows a failed chunk as a stable code, without the provider text or its request id', async () => {
    // The provider echoes the key and a request id in its error, as real APIs do.
    deepgram.failNext(1, {
      status: 400,
      body: {
        err_code: 'Bad Request',
        err_msg: `bad audio for key ${PLANTED.deepgramKey}`,
        request_id: 'req-9d2f',
      },
    });
    expect((await postChunk('secrets-1', speechWav('one'))).status).toBe(202);
    const transcript = await until(
      async () => (await (await call('/v1/sessions/secrets-1/transcript')).json()) as Record<string, unknown>,
      (t) => t['complete'] === true,
      30_000,
    );
    const [chunk] = transcript['chunks'] as Array<Record<string, unknown>>;
    expect(chunk).toMatchObject({
      status: 'failed',
      error: { code: 'audio_rejected', message: expect.any(String) },
    });
    expect(JSON.stringify(transcript)).not.toMatch(/req-9d2f|err_msg|bad audio|deepgram:400/);
  });

  it('answers every refusal as { statusCode, code, message }, without X-Powered-By', async () => {
    const refusals = [
      await postChunk('secrets-2', Buffer.from('not audio')),
      await postChunk('secrets-2', speechWav('x'), 'text/plain'),
      await call('/v1/sessions/never-seen/transcript'),
      await call('/v1/nothing-here'),
      await call('/v1/sessions/secrets-3/chunks?provider=whisper', {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: speechWav('x'),
      }),
      // The planted client key as the Bearer key: not a key this router knows.
      await call('/v1/providers', { headers: { authorization: `Bearer ${PLANTED.clientKey}` } }),
    ];
    const codes: unknown[] = [];
    for (const response of refusals) {
      expect(response.headers.get('x-powered-by')).toBeNull();
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual({
        statusCode: response.status,
        code: expect.stringMatching(/^[a-z][a-z0-9_]*$/),
        message: expect.any(String),
      });
      codes.push(body['code']);
    }
    expect(refusals.map((r) => r.status)).toEqual([400, 415, 404, 404, 503, 401]);
    // The audio validator's precise code for bytes that are no WAV at all.
    expect(codes).toEqual([
      'audio_malformed',
      'unsupported_media_type',
      'not_found',
      'not_found',
      'no_provider_available',
      'unauthorized',
    ]);
  });

  it('keeps /metrics and /health off the public port', async () => {
    expect((await call('/metrics')).status).toBe(404);
    expect((await call('/health/ready')).status).toBe(404);
    expect((await call('/metrics', {}, managementUrl)).status).toBe(200);
    expect((await call('/health/ready', {}, managementUrl)).status).toBe(200);
    expect((await call('/health/live', {}, managementUrl)).status).toBe(200);
    expect((await call('/v1/providers')).status).toBe(200);
  });

  it('never prints a password from a malformed REDIS_URL', async () => {
    for (const [app, url] of [
      ['router', `redis//default:${PLANTED.malformedUrlPassword}@127.0.0.1:6379`],
      ['worker-deepgram', `http://default:${PLANTED.malformedUrlPassword}@127.0.0.1:6379`],
    ]) {
      const failed = await AppProcess.start(app, {
        REDIS_URL: url,
        DEEPGRAM_API_KEY: PLANTED.deepgramKey,
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        PORT: '0',
        MANAGEMENT_PORT: '0',
      }).then(
        (started) => started.stop('SIGKILL').then(() => 'started'),
        (error: Error) => error.message,
      );
      expect(failed).toMatch(/REDIS_URL=.*\[redacted\]@127\.0\.0\.1/);
      seen.push(failed);
    }
  });

  it('found none of the planted secrets in anything that came out', async () => {
    // Stopping logs the drain and the Redis connections closing: those lines count too.
    await router.stop('SIGTERM');
    await worker.stop('SIGTERM');
    const everything = [...seen, router.logs, worker.logs].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expect(router.logs).toMatch(/router ready/);
    expect(worker.logs).toMatch(/chunk dead-lettered/);
    // The provider's error (which echoed the key) did reach the worker's log, redacted.
    expect(worker.logs).toMatch(/bad audio for key \[redacted\]/);
    for (const [name, secret] of Object.entries(PLANTED)) {
      expect({ name, found: everything.includes(secret) }).toEqual({ name, found: false });
    }
  });
});
