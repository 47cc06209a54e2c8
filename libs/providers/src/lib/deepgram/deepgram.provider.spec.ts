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
    expect(request.query).toMatchObject({ model: 'nova-3', punctuate: 'true', smart_format: 'true', detect_language: 'true' });
    expect(request.headers['authorization']).toBe(`Token ${FakeDeepgramServer.DEFAULT_API_KEY}`);
  });

  it('wraps raw PCM in a WAV header', async () => {
    const transcript = await provider({ language: 'en' }).transcribe({ audio: speechPcm('pcm in'), format: 'l16', sampleRate: 16000, channels: 1 });
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
    const error = (await provider().transcribe({ audio: speechWav('x'), format: 'wav' }).catch((e) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, statusCode, provider: 'deepgram' });
    expect(error.message).toMatch(message);
    expect(error.requestId).toBeTruthy();
    if (statusCode === 429) expect(error.retryAfterMs).toBe(7000);
    expect(fake.requests).toHaveLength(1);
  });

  it('classifies a wrong key as permanent', async () => {
    const error = await provider({ apiKey: 'wrong' }).transcribe({ audio: speechWav('x'), format: 'wav' }).catch((e) => e);
    expect(error).toMatchObject({ kind: 'permanent', statusCode: 401 });
  });

  it('classifies a reset connection and a timeout as retryable', async () => {
    fake.failNext(1, { kind: 'reset' });
    await expect(provider().transcribe({ audio: speechWav('x'), format: 'wav' })).rejects.toMatchObject({ kind: 'retryable', statusCode: undefined });
    fake.failNext(1, { kind: 'hang' });
    await expect(provider({ timeoutMs: 200 }).transcribe({ audio: speechWav('x'), format: 'wav' })).rejects.toMatchObject({
      kind: 'retryable',
      message: expect.stringMatching(/timed out/),
    });
  });
});
