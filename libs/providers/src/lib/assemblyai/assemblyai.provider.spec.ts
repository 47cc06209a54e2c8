import { metricsRegistry } from '@streamscribe/observability';
import { FakeAssemblyAIServer, speechPcm, speechWav } from '@streamscribe/testing';
import { ProviderError } from '../provider-error';
import { AssemblyAIProvider } from './assemblyai.provider';

// Contract tests: the real `assemblyai` SDK, as the worker drives it, against the fake API.
describe('AssemblyAIProvider against the fake AssemblyAI API', () => {
  let fake: FakeAssemblyAIServer;
  const provider = (overrides: Partial<ConstructorParameters<typeof AssemblyAIProvider>[0]> = {}) =>
    new AssemblyAIProvider({
      apiKey: FakeAssemblyAIServer.DEFAULT_API_KEY,
      baseUrl: fake.url,
      speechModel: 'universal',
      pollingIntervalMs: 5,
      pollingTimeoutMs: 10_000,
      requestTimeoutMs: 5_000,
      punctuate: true,
      formatText: true,
      speakerLabels: false,
      keyterms: [],
      ...overrides,
    });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => fail('expected a ProviderError'),
      (e: unknown) => e as ProviderError,
    );

  beforeAll(async () => (fake = await FakeAssemblyAIServer.start()));
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('uploads, submits and polls with the SDK, and maps the completed transcript', async () => {
    const wav = speechWav('Hello, brave new world.', { durationSeconds: 2 });
    const transcript = await provider().transcribe({ audio: wav, format: 'wav' });

    const [upload, submit, ...polls] = fake.requests;
    expect(upload).toMatchObject({ method: 'POST', path: '/v2/upload', bodyLength: wav.length, status: 200 });
    expect(upload.headers['content-type']).toBe('application/octet-stream');
    for (const request of fake.requests)
      expect(request.headers.authorization).toBe(FakeAssemblyAIServer.DEFAULT_API_KEY);
    expect(submit).toMatchObject({ method: 'POST', path: '/v2/transcript', status: 200 });
    expect(submit.headers['content-type']).toBe('application/json');
    expect(submit.json).toEqual({
      audio_url: expect.stringMatching(new RegExp(`^${fake.url}/upload/`)),
      speech_model: 'universal',
      language_detection: true,
      punctuate: true,
      format_text: true,
    });
    // queued, processing, completed: one GET each.
    expect(polls.map((p) => `${p.method} ${p.path}`)).toEqual(
      Array(3).fill(`GET /v2/transcript/${transcript.requestId}`),
    );

    expect(transcript).toMatchObject({
      text: 'Hello, brave new world.',
      confidence: 0.98,
      language: 'en',
      durationSeconds: 2,
      model: 'universal',
    });
    expect(transcript.words).toEqual([
      { word: 'Hello,', start: 0, end: 0.5, confidence: 0.98 },
      { word: 'brave', start: 0.5, end: 1, confidence: 0.98 },
      { word: 'new', start: 1, end: 1.5, confidence: 0.98 },
      { word: 'world.', start: 1.5, end: 2, confidence: 0.98 },
    ]);
    expect(transcript.raw).toMatchObject({ status: 'completed', id: transcript.requestId });
  });

  it("passes the chunk's options over the worker's settings in AssemblyAI's names", async () => {
    const transcript = await provider({ keyterms: ['streamscribe'] }).transcribe({
      audio: speechWav('two speakers'),
      format: 'wav',
      language: 'en-US',
      options: { diarize: true, keywords: ['Redis'], smartFormat: false, punctuate: false },
    });
    expect(fake.requests[1].json).toEqual({
      audio_url: expect.any(String),
      speech_model: 'universal',
      language_code: 'en_us',
      punctuate: false,
      format_text: false,
      speaker_labels: true,
      keyterms_prompt: ['streamscribe', 'Redis'],
    });
    expect(transcript.words.map((w) => [w.word, w.speaker])).toEqual([
      ['two', 0],
      ['speakers', 0],
    ]);
    expect(transcript.language).toBe('en_us');
  });

  it('boosts terms with word_boost on models without keyterms_prompt', async () => {
    await provider({ speechModel: 'nano', language: 'de' }).transcribe({
      audio: speechWav('hallo'),
      format: 'wav',
      options: { keywords: ['Kafka'] },
    });
    expect(fake.requests[1].json).toMatchObject({
      speech_model: 'nano',
      language_code: 'de',
      word_boost: ['Kafka'],
    });
  });

  it('wraps raw PCM in a WAV header before uploading it', async () => {
    const pcm = speechPcm('pcm in');
    const transcript = await provider().transcribe({
      audio: pcm,
      format: 'l16',
      sampleRate: 16000,
      channels: 1,
    });
    expect(transcript.text).toBe('pcm in');
    expect(fake.requests[0].bodyLength).toBe(pcm.length + 44);
  });

  it('keeps the duration measured from the audio, and counts a provider that reports another', async () => {
    const mismatches = async () =>
      (
        await metricsRegistry.getSingleMetric('streamscribe_audio_duration_mismatches_total')?.get()
      )?.values.find((v) => v.labels['provider'] === 'assemblyai')?.value ?? 0;
    const before = await mismatches();
    fake.setReportedDuration(9);
    const transcript = await provider().transcribe({
      audio: speechWav('short', { durationSeconds: 2 }),
      format: 'wav',
    });
    expect(transcript.durationSeconds).toBe(2);
    expect(await mismatches()).toBe(before + 1);
  });

  it('rejects invalid audio without sending anything', async () => {
    const error = await failure(
      provider().transcribe({ audio: speechWav('x').subarray(0, 30), format: 'wav' }),
    );
    expect(error).toMatchObject({
      kind: 'permanent',
      provider: 'assemblyai',
      message: expect.stringMatching(/^invalid audio, not sent/),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('maps a transcript that ends in status error to a permanent error with the transcript id', async () => {
    fake.failTranscripts(1, 'Transcoding failed. File does not appear to contain audio.');
    const error = await failure(provider().transcribe({ audio: speechWav('x'), format: 'wav' }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'permanent', statusCode: undefined });
    expect(error.message).toMatch(/^AssemblyAI transcript [0-9a-f-]{36} ended in error: Transcoding failed/);
    expect(error.requestId).toBe(fake.requests[2].path.split('/').pop());
    expect(error.toHistoryItem()).toMatch(/^assemblyai:permanent req=[0-9a-f-]{36} /);
  });

  it('passes audio it cannot parse through, and maps AssemblyAI refusing it', async () => {
    const notAudio = Buffer.from('definitely not audio');
    const error = await failure(provider().transcribe({ audio: notAudio, format: 'unknown' }));
    expect(fake.requests[0].bodyLength).toBe(notAudio.length);
    expect(error).toMatchObject({ kind: 'permanent', message: expect.stringMatching(/Transcoding failed/) });
  });

  it('says a wrong key is wrong, keeps saying so until a call succeeds, and does not retry it', async () => {
    const wrong = provider({ apiKey: 'wrong-key' });
    const error = await failure(wrong.transcribe({ audio: speechWav('x'), format: 'wav' }));
    expect(error).toMatchObject({ kind: 'permanent', statusCode: 401 });
    expect(error.message).toBe(
      'AssemblyAI answered 401: Authentication error, API token missing/invalid (check ASSEMBLYAI_API_KEY)',
    );
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].headers.authorization).toBe('wrong-key');
    expect(wrong.credentialsProblem()).toMatch(/assemblyai rejected ASSEMBLYAI_API_KEY \(401\)/);

    const healthy = provider();
    await healthy.transcribe({ audio: speechWav('x'), format: 'wav' });
    expect(healthy.credentialsProblem()).toBeUndefined();
  });

  it.each([
    ['upload', { status: 429, retryAfterSeconds: 7 }, 'retryable', 429],
    ['upload', { status: 502 }, 'retryable', 502],
    ['submit', { status: 500, body: { error: 'Internal server error' } }, 'retryable', 500],
    ['submit', { status: 400, body: { error: 'Invalid language_code: xx' } }, 'permanent', 400],
    ['poll', { status: 401 }, 'permanent', 401],
  ] as const)('classifies %s answering %j', async (endpoint, injected, kind, statusCode) => {
    fake.failNext(1, injected, endpoint);
    const error = await failure(provider().transcribe({ audio: speechWav('x'), format: 'wav' }));
    expect(error).toMatchObject({ kind, statusCode, provider: 'assemblyai' });
    if ('body' in injected)
      expect(error.message).toBe(`AssemblyAI answered ${statusCode}: ${injected.body.error}`);
    if (statusCode === 429) expect(error.retryAfterMs).toBe(7000);
    // Once submitted, the transcript id identifies the request for AssemblyAI support.
    if (endpoint === 'poll') expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    else expect(error.requestId).toBeUndefined();
    expect(fake.requests.filter((r) => r.status === statusCode)).toHaveLength(1);
  });

  it('classifies a hung request as a retryable timeout and a reset connection as retryable', async () => {
    fake.failNext(1, { kind: 'hang' }, 'upload');
    await expect(
      provider({ requestTimeoutMs: 200 }).transcribe({ audio: speechWav('x'), format: 'wav' }),
    ).rejects.toMatchObject({
      kind: 'retryable',
      message: 'AssemblyAI request timed out (ASSEMBLYAI_REQUEST_TIMEOUT_MS)',
    });
    fake.failNext(1, { kind: 'reset' }, 'upload');
    await expect(provider().transcribe({ audio: speechWav('x'), format: 'wav' })).rejects.toMatchObject({
      kind: 'retryable',
      message: expect.stringMatching(/^AssemblyAI unreachable/),
    });
  });

  it('polls a submitted job again after a failed poll (5xx, reset): one upload, one job, never paid twice', async () => {
    fake.failNext(1, { status: 503 }, 'poll');
    fake.failNext(1, { kind: 'reset' }, 'poll');
    const transcript = await provider({ pollingIntervalMs: 10 }).transcribe({
      audio: speechWav('polled again'),
      format: 'wav',
    });
    expect(transcript.text).toMatch(/polled again/i);
    expect(fake.requests.filter((r) => r.path === '/v2/upload')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/v2/transcript')).toHaveLength(1);
  });

  it('gives up on a transcript that does not finish within the polling timeout, and fails it over', async () => {
    fake.setPollsPerStage(1_000_000);
    const error = await failure(
      provider({ pollingIntervalMs: 10, pollingTimeoutMs: 100 }).transcribe({
        audio: speechWav('x'),
        format: 'wav',
      }),
    );
    expect(error).toMatchObject({
      kind: 'permanent',
      message: expect.stringMatching(/ASSEMBLYAI_POLLING_TIMEOUT_MS/),
    });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(1);
  });
});
