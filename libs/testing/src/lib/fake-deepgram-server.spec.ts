import {
  Deepgram,
  DeepgramClient,
  DeepgramError,
  DeepgramTimeoutError,
  ListenV1Response,
} from '@deepgram/sdk';
import { encodeWav } from '@streamscribe/audio';
import { FakeDeepgramServer } from './fake-deepgram-server';
import { speechPcm, speechWav } from './test-speech';

// Contract tests: the real SDK, as the Deepgram worker uses it, against the fake.
describe('FakeDeepgramServer with @deepgram/sdk', () => {
  const apiKey = 'contract-test-key';
  let fake: FakeDeepgramServer;
  let client: DeepgramClient;

  beforeAll(async () => {
    fake = await FakeDeepgramServer.start({ apiKey });
    client = new DeepgramClient({ apiKey, baseUrl: fake.url, maxRetries: 0 });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const transcribe = (audio: Buffer, options: Deepgram.listen.v1.MediaTranscribeRequestOctetStream = {}) =>
    client.listen.v1.media.transcribeFile(audio, options);
  const transcriptOf = (data: Deepgram.listen.v1.MediaTranscribeResponse) =>
    asTranscription(data).results.channels[0].alternatives?.[0].transcript;
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => fail('expected the SDK to throw'),
      (error: unknown) => error,
    );

  it('transcribes the test speech, with the request the SDK sends recorded', async () => {
    const wav = speechWav('hello world');
    const { data, rawResponse } = await transcribe(wav, {
      model: 'nova-3',
      punctuate: true,
    }).withRawResponse();

    const response = asTranscription(data);
    expect(transcriptOf(data)).toBe('hello world');
    expect(response.metadata).toMatchObject({ duration: 1, channels: 1, models: [expect.any(String)] });
    expect(response.metadata.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rawResponse.headers.get('dg-request-id')).toBe(response.metadata.request_id);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/listen',
      query: { model: 'nova-3', punctuate: 'true' },
      bodyLength: wav.length,
      status: 200,
    });
    expect(fake.requests[0].headers.authorization).toBe(`Token ${apiKey}`);
    expect(fake.requests[0].headers['content-type']).toBe('application/octet-stream');
  });

  it('spreads words over the audio, with punctuation, speakers and language on request', async () => {
    const audio = speechWav('Hello, world!', { durationSeconds: 2 });
    const plain = asTranscription(await transcribe(audio));
    expect(plain.results.channels[0].alternatives?.[0]).toMatchObject({
      transcript: 'hello world',
      words: [
        { word: 'hello', start: 0, end: 1 },
        { word: 'world', start: 1, end: 2 },
      ],
    });
    expect(plain.results.channels[0].detected_language).toBeUndefined();

    const rich = asTranscription(
      await transcribe(audio, { smart_format: true, diarize: true, detect_language: true }),
    );
    expect(rich.results.channels[0].detected_language).toBe('en');
    expect(rich.results.channels[0].alternatives?.[0]).toMatchObject({
      transcript: 'Hello, world!',
      words: [
        { word: 'hello', punctuated_word: 'Hello,', speaker: 0 },
        { word: 'world', punctuated_word: 'world!', speaker: 0 },
      ],
    });
  });

  it('answers an empty transcript for audio without speech', async () => {
    const silence = encodeWav(Buffer.alloc(32000), { sampleRate: 16000, channels: 1 });
    const data = asTranscription(await transcribe(silence));
    expect(data.results.channels[0].alternatives?.[0]).toMatchObject({
      transcript: '',
      confidence: 0,
      words: [],
    });
  });

  it('decodes raw linear16 when sample_rate is passed as an extra query parameter', async () => {
    const { data } = await client.listen.v1.media
      .transcribeFile(
        speechPcm('raw audio'),
        { encoding: 'linear16' },
        { queryParams: { sample_rate: 16000 } },
      )
      .withRawResponse();
    expect(transcriptOf(data)).toBe('raw audio');
    expect(fake.requests[0].query).toEqual({ encoding: 'linear16', sample_rate: '16000' });
  });

  it('rejects undecodable audio with a 400, as the SDK’s BadRequestError', async () => {
    const error = await failureOf(transcribe(Buffer.from('definitely not audio, not even close'.repeat(3))));
    expect(error).toBeInstanceOf(Deepgram.BadRequestError);
    expect(error).toBeInstanceOf(DeepgramError);
    expect(error).toMatchObject({ statusCode: 400, body: { err_code: 'Bad Request' } });
    expect((error as DeepgramError).body).toMatchObject({
      err_msg: expect.stringContaining("expected 'RIFF'"),
    });
  });

  it('rejects keywords on Nova-3, which takes keyterm instead', async () => {
    const error = await failureOf(transcribe(speechWav('x'), { model: 'nova-3', keywords: ['Redis'] }));
    expect(error).toMatchObject({
      statusCode: 400,
      body: { err_msg: expect.stringMatching(/Use keyterm instead/) },
    });
    await expect(transcribe(speechWav('ok'), { model: 'nova-3', keyterm: ['Redis'] })).resolves.toBeDefined();
    await expect(
      transcribe(speechWav('ok'), { model: 'nova-2', keywords: ['Redis'] }),
    ).resolves.toBeDefined();
  });

  it('rejects a wrong key with 401 INVALID_AUTH, the request id in the dg-request-id header', async () => {
    const stranger = new DeepgramClient({ apiKey: 'wrong-key', baseUrl: fake.url, maxRetries: 0 });
    const error = await failureOf(stranger.listen.v1.media.transcribeFile(speechWav('hi'), {}));
    expect(error).toBeInstanceOf(DeepgramError);
    const dgError = error as DeepgramError;
    expect(dgError.statusCode).toBe(401);
    expect(dgError.body).toEqual({
      err_code: 'INVALID_AUTH',
      err_msg: 'Invalid credentials.',
      request_id: expect.any(String),
    });
    expect(dgError.rawResponse?.headers.get('dg-request-id')).toBe(
      (dgError.body as { request_id: string }).request_id,
    );
    // The SDK's `requestId` getter reads `x-request-id`, which Deepgram does not send.
    expect(dgError.requestId).toBeUndefined();
  });

  it('shows an injected 429 and its Retry-After to the caller', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 7 });
    const error = (await failureOf(transcribe(speechWav('hi')))) as DeepgramError;
    expect(error).toBeInstanceOf(DeepgramError);
    expect(error.statusCode).toBe(429);
    expect(error.rawResponse?.status).toBe(429);
    expect(error.rawResponse?.headers.get('retry-after')).toBe('7');
    expect(error.body).toMatchObject({ err_code: 'TOO_MANY_REQUESTS' });
    expect(fake.requests[0]).toMatchObject({ status: 429 });
    expect(transcriptOf(await transcribe(speechWav('after')))).toBe('after');
  });

  it('surfaces a reset as a connection error: a DeepgramError with no status code, fetch’s error as cause', async () => {
    fake.failNext(1, { kind: 'reset' });
    // The SDK leaves its timeout timer running after a failed fetch: keep it short so Jest can exit.
    const error = (await failureOf(
      client.listen.v1.media.transcribeFile(speechWav('hi'), {}, { timeoutInSeconds: 0.5 }),
    )) as DeepgramError;
    expect(error).toBeInstanceOf(DeepgramError);
    expect(error.statusCode).toBeUndefined();
    expect(error.rawResponse?.status).toBe(0);
    expect(error.cause).toMatchObject({ message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' } });
    expect(fake.requests[0].dropped).toBe('reset');
    expect(fake.requests[0].status).toBeUndefined();
  });

  it('hangs until the client times out: a DeepgramError whose cause is the string "timeout"', async () => {
    fake.failNext(1, { kind: 'hang' });
    const error = (await failureOf(
      client.listen.v1.media.transcribeFile(speechWav('hi'), {}, { timeoutInSeconds: 0.2 }),
    )) as DeepgramError;
    // The SDK aborts with the reason 'timeout', a string, so it never builds a DeepgramTimeoutError.
    expect(error).toBeInstanceOf(DeepgramError);
    expect(error).not.toBeInstanceOf(DeepgramTimeoutError);
    expect(error.statusCode).toBeUndefined();
    expect(error.cause).toBe('timeout');
    expect(fake.requests[0]).toMatchObject({ dropped: 'hang' });
  });

  it('lets the SDK retry a 503 itself when maxRetries allows (honouring Retry-After)', async () => {
    const retrying = new DeepgramClient({ apiKey, baseUrl: fake.url, maxRetries: 1 });
    fake.failNext(1, { status: 503, retryAfterSeconds: 1 });
    const data = await retrying.listen.v1.media.transcribeFile(speechWav('second try'), {});
    expect(transcriptOf(data)).toBe('second try');
    expect(fake.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(fake.requests[1].time - fake.requests[0].time).toBeGreaterThanOrEqual(900);
  });

  it('waits the configured latency, fixed or per request', async () => {
    fake.setLatency((request) => (request.query['model'] === 'slow' ? 150 : 0));
    const started = Date.now();
    await transcribe(speechWav('slow'), { model: 'slow' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('lets a test decide the transcript', async () => {
    fake.setTranscriber((audio, query) => `${audio.sampleRate} Hz ${query['model']}.`);
    expect(transcriptOf(await transcribe(speechWav('ignored'), { model: 'nova-3', punctuate: true }))).toBe(
      '16000 Hz nova-3.',
    );
    expect(transcriptOf(await transcribe(speechWav('ignored'), { model: 'nova-3' }))).toBe('16000 hz nova-3');
    fake.setTranscriber(undefined);
    expect(transcriptOf(await transcribe(speechWav('back')))).toBe('back');
  });
});

describe('FakeDeepgramServer', () => {
  const listen = (fake: FakeDeepgramServer, init: RequestInit = {}) =>
    fetch(`${fake.url}/v1/listen`, {
      method: 'POST',
      headers: { authorization: `Token ${fake.apiKey}` },
      body: speechWav('hi'),
      ...init,
    });

  it('fails the same requests at a seeded rate on every run', async () => {
    const statuses = async () => {
      const fake = await FakeDeepgramServer.start();
      fake.setFailureRate(0.5, [{ status: 500 }, { status: 502 }], 1234);
      const result: number[] = [];
      for (let i = 0; i < 12; i++) result.push((await listen(fake)).status);
      await fake.close();
      return result;
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(first).toContain(200);
    expect(first.some((s) => s >= 500)).toBe(true);
  });

  it('answers 404 for anything but POST /v1/listen, and forgets everything on reset', async () => {
    const fake = await FakeDeepgramServer.start();
    const response = await fetch(`${fake.url}/v1/projects`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ err_code: 'NOT_FOUND' });
    fake.failNext(5, { status: 500 });
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect((await listen(fake)).status).toBe(200);
    await fake.close();
  });

  it('rejects raw audio without a sample rate, and a Bearer token', async () => {
    const fake = await FakeDeepgramServer.start();
    const raw = await fetch(`${fake.url}/v1/listen?encoding=linear16`, {
      method: 'POST',
      headers: { authorization: `Token ${fake.apiKey}` },
      body: speechPcm('hi'),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ err_msg: expect.stringContaining('needs sample_rate') });
    expect((await listen(fake, { headers: { authorization: `Bearer ${fake.apiKey}` } })).status).toBe(401);
    await fake.close();
  });

  it('closes with requests hanging or waiting, and twice', async () => {
    const fake = await FakeDeepgramServer.start();
    fake.failNext(1, { kind: 'hang' });
    const hanging = listen(fake).catch((error: unknown) => error);
    await waitFor(() => fake.requests.length === 1);
    fake.setLatency(60_000);
    const waiting = listen(fake).catch((error: unknown) => error);
    await waitFor(() => fake.requests.length === 2 && fake.requests[1].bodyLength > 0);
    await Promise.all([fake.close(), fake.close()]);
    // fetch's errors come from Node's realm, not Jest's: check the message, not instanceof.
    expect(await hanging).toMatchObject({ message: 'fetch failed' });
    expect(await waiting).toMatchObject({ message: 'fetch failed' });
  });
});

function asTranscription(data: Deepgram.listen.v1.MediaTranscribeResponse): ListenV1Response {
  if (!('results' in data)) throw new Error('expected a transcription, got an accepted-callback response');
  return data;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met within 2 s');
}
