import { FakeDeepgramServer, speechPcm, speechWav } from '@streamscribe/testing';
import { ProviderError } from '../provider-error';
import { DeepgramProvider } from './deepgram.provider';

describe('DeepgramProvider against the fake Deepgram API', () => {
  let fake: FakeDeepgramServer;
  const provider = (overrides: Partial<ConstructorParameters<typeof DeepgramProvider>[0]> = {}) =>
    new DeepgramProvider({
      apiKey: FakeDeepgramServer.DEFAULT_API_KEY,
      baseUrl: fake.url,
      model: 'nova-3',
      timeoutMs: 2000,
      punctuate: true,
      smartFormat: true,
      ...overrides,
    });

  beforeAll(async () => (fake = await FakeDeepgramServer.start()));
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('sends the audio with the configured model and maps text, confidence and words', async () => {
    const transcript = await provider().transcribe({ audio: speechWav('hello world'), format: 'wav' });
    expect(transcript).toMatchObject({ text: 'hello world', language: 'en' });
    expect(transcript.confidence).toBeGreaterThan(0);
    expect(transcript.confidence).toBeLessThanOrEqual(1);
    expect(transcript.words.map((w) => w.word)).toEqual(['hello', 'world']);
    expect(transcript.requestId).toBeTruthy();
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/listen' });
    expect(request.query).toMatchObject({
      model: 'nova-3',
      punctuate: 'true',
      smart_format: 'true',
      detect_language: 'true',
    });
    expect(request.headers['authorization']).toBe(`Token ${FakeDeepgramServer.DEFAULT_API_KEY}`);
  });

  it("passes the chunk's options over the worker's settings as Deepgram's query, and maps speakers", async () => {
    const transcript = await provider({ keyterms: ['streamscribe'], utterances: true }).transcribe({
      audio: speechWav('Two, speakers!', { durationSeconds: 2 }),
      format: 'wav',
      language: 'en-US',
      options: { diarize: true, keywords: ['Redis Streams', 'Nest'], smartFormat: false },
    });
    const [request] = fake.requests;
    expect(request.query).toEqual({
      model: 'nova-3',
      language: 'en-US',
      punctuate: 'true',
      smart_format: 'false',
      diarize: 'true',
      utterances: 'true',
      keyterm: ['streamscribe', 'Redis Streams', 'Nest'],
    });
    expect(request.headers['content-type']).toBe('audio/wav');
    expect(transcript.words).toEqual([
      { word: 'Two,', start: 0, end: 1, confidence: 0.99, speaker: 0 },
      { word: 'speakers!', start: 1, end: 2, confidence: 0.99, speaker: 0 },
    ]);
    expect(transcript).toMatchObject({ durationSeconds: 2, model: 'nova-3', language: undefined });
    expect(transcript.raw).toMatchObject({ metadata: { request_id: transcript.requestId } });
  });

  it('sends keywords, not keyterm, to models before Nova-3, and detects the language when asked', async () => {
    await provider({ language: 'de' }).transcribe({
      audio: speechWav('x'),
      format: 'wav',
      options: { model: 'nova-2', keywords: ['Kafka'], detectLanguage: true },
    });
    expect(fake.requests[0].query).toMatchObject({
      model: 'nova-2',
      keywords: 'Kafka',
      detect_language: 'true',
    });
    expect(fake.requests[0].query).not.toHaveProperty('keyterm');
    expect(fake.requests[0].query).not.toHaveProperty('language');
  });

  it('rejects invalid audio without sending anything', async () => {
    await expect(
      provider().transcribe({ audio: Buffer.alloc(3), format: 'l16', sampleRate: 16000 }),
    ).rejects.toMatchObject({
      kind: 'permanent',
      message: expect.stringMatching(/^invalid audio, not sent to deepgram: l16 audio of 3 bytes/),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('wraps raw PCM in a WAV header', async () => {
    const transcript = await provider({ language: 'en' }).transcribe({
      audio: speechPcm('pcm in'),
      format: 'l16',
      sampleRate: 16000,
      channels: 1,
    });
    expect(transcript.text).toBe('pcm in');
    expect(fake.requests[0].query).toMatchObject({ language: 'en' });
  });

  it.each([
    [{ status: 401 }, 'permanent', 401, /check DEEPGRAM_API_KEY/],
    [{ status: 400 }, 'permanent', 400, /400/],
    [{ status: 429, retryAfterSeconds: 7 }, 'retryable', 429, /429/],
    [{ status: 503 }, 'retryable', 503, /503/],
  ])('classifies %j', async (failure, kind, statusCode, message) => {
    fake.failNext(1, failure);
    const error = (await provider()
      .transcribe({ audio: speechWav('x'), format: 'wav' })
      .catch((e) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, statusCode, provider: 'deepgram' });
    expect(error.message).toMatch(message);
    expect(error.requestId).toBeTruthy();
    if (statusCode === 429) expect(error.retryAfterMs).toBe(7000);
    expect(fake.requests).toHaveLength(1);
  });

  it('classifies a wrong key as permanent, with the error body, and reports the key rejected until a call succeeds', async () => {
    const wrong = provider({ apiKey: 'wrong' });
    const error = await wrong.transcribe({ audio: speechWav('x'), format: 'wav' }).catch((e) => e);
    expect(error).toMatchObject({
      kind: 'permanent',
      statusCode: 401,
      message: 'Deepgram answered 401: Invalid credentials. (check DEEPGRAM_API_KEY)',
    });
    expect(fake.requests[0].headers['authorization']).toBe('Token wrong');
    expect(wrong.credentialsProblem()).toMatch(/deepgram rejected DEEPGRAM_API_KEY \(401\)/);
    const healthy = provider();
    await healthy.transcribe({ audio: speechWav('x'), format: 'wav' });
    expect(healthy.credentialsProblem()).toBeUndefined();
  });

  it('classifies a reset connection and a timeout as retryable', async () => {
    fake.failNext(1, { kind: 'reset' });
    await expect(provider().transcribe({ audio: speechWav('x'), format: 'wav' })).rejects.toMatchObject({
      kind: 'retryable',
      statusCode: undefined,
    });
    fake.failNext(1, { kind: 'hang' });
    await expect(
      provider({ timeoutMs: 200 }).transcribe({ audio: speechWav('x'), format: 'wav' }),
    ).rejects.toMatchObject({
      kind: 'retryable',
      message: expect.stringMatching(/timed out/),
    });
  });
});
