import { FakeAssemblyAIServer } from './fake-assemblyai-server';
import { speechWav } from './test-speech';

// What the fake does outside the SDK's happy path (the SDK contract is in the provider's spec).
describe('FakeAssemblyAIServer', () => {
  let fake: FakeAssemblyAIServer;
  const call = async (
    method: string,
    path: string,
    body?: Buffer | string,
    key = FakeAssemblyAIServer.DEFAULT_API_KEY,
  ) => {
    const response = await fetch(`${fake.url}${path}`, { method, body, headers: { authorization: key } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => (fake = await FakeAssemblyAIServer.start()));
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('walks a transcript through queued and processing to completed', async () => {
    fake.setPollsPerStage(2);
    const upload = await call('POST', '/v2/upload', speechWav('one two'));
    const submitted = await call(
      'POST',
      '/v2/transcript',
      JSON.stringify({ audio_url: upload.body['upload_url'] }),
    );
    expect(submitted.body).toMatchObject({
      status: 'queued',
      text: null,
      language_code: 'en_us',
      punctuate: true,
    });
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await call('GET', `/v2/transcript/${submitted.body['id']}`)).body['status']);
    expect(statuses).toEqual(['queued', 'queued', 'processing', 'processing', 'completed']);
  });

  it('ends a transcript whose audio_url is not one of its uploads in status error, as a failed download', async () => {
    const submitted = await call(
      'POST',
      '/v2/transcript',
      JSON.stringify({ audio_url: 'https://example.invalid/a.wav' }),
    );
    for (let i = 0; i < 2; i++) await call('GET', `/v2/transcript/${submitted.body['id']}`);
    expect((await call('GET', `/v2/transcript/${submitted.body['id']}`)).body).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/^Download error, unable to download https:\/\/example.invalid\/a.wav/),
    });
  });

  it('answers errors in the API shape: 401 for a bad key, 400 for bad params, 404 for unknown ids and paths', async () => {
    expect(await call('POST', '/v2/upload', 'x', 'Bearer nope')).toEqual({
      status: 401,
      body: { error: 'Authentication error, API token missing/invalid' },
    });
    expect(await call('POST', '/v2/transcript', '{}')).toEqual({
      status: 400,
      body: { error: 'audio_url is required' },
    });
    expect(
      await call('POST', '/v2/transcript', JSON.stringify({ audio_url: 'x', speech_model: 'huge' })),
    ).toEqual({
      status: 400,
      body: { error: 'Invalid speech_model: huge' },
    });
    expect(
      await call(
        'POST',
        '/v2/transcript',
        JSON.stringify({ audio_url: 'x', speech_model: 'nano', keyterms_prompt: ['a'] }),
      ),
    ).toEqual({
      status: 400,
      body: { error: 'keyterms_prompt is not supported for speech_model nano' },
    });
    expect(await call('GET', '/v2/transcript/nope')).toEqual({
      status: 404,
      body: { error: 'Transcript lookup error, transcript id not found' },
    });
    expect((await call('DELETE', '/v2/transcript')).status).toBe(404);
  });

  it('aims injected failures at one endpoint, with Retry-After', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 3 }, 'submit');
    expect((await call('POST', '/v2/upload', 'x')).status).toBe(200);
    const response = await fetch(`${fake.url}/v2/transcript`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: fake.apiKey },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(fake.requests.map((r) => r.status)).toEqual([200, 429]);
  });
});
