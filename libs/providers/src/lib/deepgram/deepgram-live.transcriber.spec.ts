import type { LiveSessionOptions } from '@streamscribe/contracts';
import { FakeDeepgramServer, freePort, spokenScript } from '@streamscribe/testing';
import type { LiveConnection, LiveTranscriberEvent } from '../live/live-transcriber';
import { ProviderError } from '../provider-error';
import { DeepgramLiveTranscriber } from './deepgram-live.transcriber';
import { deepgramLiveEnvironment } from './deepgram-live.options';

/** 100 ms of 16 kHz mono 16-bit audio. */
const FRAME = 3200;

const session = (overrides: Partial<LiveSessionOptions> = {}): LiveSessionOptions => ({
  format: { encoding: 'linear16', sampleRate: 16_000, channels: 1 },
  interimResults: true,
  endpointingMs: 300,
  vadEvents: false,
  keyterms: [],
  hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
  ...overrides,
});

/** What one connection reported: its events in order, and its failure (at most one). */
function recorder() {
  const events: LiveTranscriberEvent[] = [];
  const failures: ProviderError[] = [];
  let resolveFailure!: (error: ProviderError) => void;
  const failure = new Promise<ProviderError>((resolve) => (resolveFailure = resolve));
  return {
    events,
    failures,
    failure,
    handlers: {
      onEvent: (event: LiveTranscriberEvent) => events.push(event),
      onFailure: (error: ProviderError) => {
        failures.push(error);
        resolveFailure(error);
      },
    },
    finals: () =>
      events.flatMap((e) =>
        e.type === 'transcript' && e.isFinal && e.transcript !== '' ? [e.transcript] : [],
      ),
  };
}

function stream(connection: LiveConnection, pcm: Buffer): void {
  for (let at = 0; at < pcm.length; at += FRAME) connection.send(pcm.subarray(at, at + FRAME));
}

describe('DeepgramLiveTranscriber against the fake Deepgram live socket', () => {
  let fake: FakeDeepgramServer;
  const transcriber = (overrides: Partial<ConstructorParameters<typeof DeepgramLiveTranscriber>[0]> = {}) =>
    new DeepgramLiveTranscriber({
      apiKey: FakeDeepgramServer.DEFAULT_API_KEY,
      baseUrl: fake.url,
      model: 'nova-3',
      punctuate: true,
      smartFormat: true,
      ...overrides,
    });
  const script = spokenScript(
    [
      { words: ['Good', 'morning.'], startMs: 200 },
      { words: ['Bye.'], startMs: 1600 },
    ],
    { totalMs: 2500 },
  );

  beforeAll(async () => (fake = await FakeDeepgramServer.start()));
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('derives the live socket URL from the API URL', () => {
    expect(deepgramLiveEnvironment('http://127.0.0.1:8080/')).toMatchObject({
      base: 'http://127.0.0.1:8080',
      production: 'ws://127.0.0.1:8080',
    });
    expect(deepgramLiveEnvironment('https://dg.internal/proxy')).toMatchObject({
      production: 'wss://dg.internal/proxy',
    });
    expect(deepgramLiveEnvironment('https://api.deepgram.com').production).toBe('wss://api.deepgram.com');
  });

  it("streams the session's audio with its options and maps interim results, finals and words", async () => {
    const seen = recorder();
    const connection = await transcriber({ keyterms: ['streamscribe'], language: 'en' }).open(
      session({ keyterms: ['Redis'], utteranceEndMs: 500, vadEvents: true }),
      seen.handlers,
    );
    stream(connection, script.pcm);
    await connection.close();

    const [record] = fake.liveRecords;
    expect(record.headers['authorization']).toBe(`Token ${FakeDeepgramServer.DEFAULT_API_KEY}`);
    expect(record.query).toEqual({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      interim_results: 'true',
      endpointing: '300',
      utterance_end_ms: '500',
      vad_events: 'true',
      punctuate: 'true',
      smart_format: 'true',
      language: 'en',
      keyterm: ['streamscribe', 'Redis'],
    });
    expect(record.audioBytes).toBe(script.pcm.length);
    expect(record.clientMessages.at(-1)).toBe('{"type":"CloseStream"}');
    expect(seen.finals()).toEqual(['Good morning.', 'Bye.']);
    const first = seen.events.find((e) => e.type === 'transcript' && e.isFinal);
    expect(first).toMatchObject({
      isFinal: true,
      speechFinal: true,
      fromFinalize: false,
      start: 0,
      model: 'nova-3',
      language: 'en',
      words: [
        { word: 'good', punctuatedWord: 'Good', start: 0.2, end: 0.5, confidence: 0.99 },
        { word: 'morning', punctuatedWord: 'morning.', start: 0.56, end: 0.86, confidence: 0.99 },
      ],
    });
    expect(seen.events.some((e) => e.type === 'transcript' && !e.isFinal)).toBe(true);
    expect(seen.events.filter((e) => e.type !== 'transcript')).toEqual([
      { type: 'speech_started', timestamp: 0.2 },
      { type: 'utterance_end', lastWordEnd: 0.86 },
      { type: 'speech_started', timestamp: 1.6 },
      { type: 'utterance_end', lastWordEnd: 1.9 },
    ]);
    expect(seen.failures).toEqual([]);
  });

  it('sends Finalize and reports the answer as fromFinalize', async () => {
    const seen = recorder();
    const connection = await transcriber().open(session({ endpointingMs: false }), seen.handlers);
    stream(connection, script.pcm.subarray(0, FRAME * 10));
    connection.finalize();
    await connection.close();
    const flushed = seen.events.find((e) => e.type === 'transcript' && e.fromFinalize);
    expect(flushed).toMatchObject({ isFinal: true, transcript: 'Good morning.' });
    expect(fake.liveRecords[0].query).toMatchObject({ endpointing: 'false' });
  });

  it("keeps the worker's model for another provider's model name; keywords before Nova-3", async () => {
    const other = await transcriber().open(
      session({ provider: 'assemblyai', model: 'universal' }),
      recorder().handlers,
    );
    await other.close();
    const older = await transcriber({ keyterms: ['Kafka'] }).open(
      session({ model: 'nova-2', format: { encoding: 'mulaw', sampleRate: 8000, channels: 1 } }),
      recorder().handlers,
    );
    await older.close();
    expect(fake.liveRecords[0].query).toMatchObject({ model: 'nova-3' });
    expect(fake.liveRecords[1].query).toMatchObject({
      model: 'nova-2',
      keywords: 'Kafka',
      encoding: 'mulaw',
      sample_rate: '8000',
    });
  });

  it('sends KeepAlive while no audio flows, so the idle close never comes', async () => {
    fake.setLiveIdleTimeout(200);
    const seen = recorder();
    const connection = await transcriber({ keepAliveMs: 50 }).open(session(), seen.handlers);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await connection.close();
    expect(fake.liveRecords[0].clientMessages.filter((m) => m.includes('KeepAlive')).length).toBeGreaterThan(
      2,
    );
    expect(fake.liveRecords[0].closeCode).toBe(1000);
    expect(seen.failures).toEqual([]);
  });

  describe('failures', () => {
    it('a refused key rejects open() as permanent (401)', async () => {
      const error = await transcriber({ apiKey: 'wrong' })
        .open(session(), recorder().handlers)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'permanent', statusCode: 401, provider: 'deepgram' });
      expect((error as Error).message).toContain('DEEPGRAM_API_KEY');
    });

    it('403 at the upgrade is permanent, 503 retryable', async () => {
      fake.failNextLive(1, { kind: 'refuse', status: 403 });
      fake.failNextLive(1, { kind: 'refuse', status: 503 });
      await expect(transcriber().open(session(), recorder().handlers)).rejects.toMatchObject({
        kind: 'permanent',
        statusCode: 403,
      });
      await expect(transcriber().open(session(), recorder().handlers)).rejects.toMatchObject({
        kind: 'retryable',
        statusCode: 503,
      });
    });

    it('an unreachable socket is retryable', async () => {
      const port = await freePort();
      await expect(
        transcriber({ baseUrl: `http://127.0.0.1:${port}` }).open(session(), recorder().handlers),
      ).rejects.toMatchObject({ kind: 'retryable', message: expect.stringContaining('ECONNREFUSED') });
    });

    it('a drop mid-utterance is reported once, retryable, with close code 1006', async () => {
      fake.failNextLive(1, { kind: 'drop', at: { word: 'Bye.' } });
      const seen = recorder();
      const connection = await transcriber().open(session(), seen.handlers);
      stream(connection, script.pcm);
      const error = await seen.failure;
      expect(error).toMatchObject({ kind: 'retryable', closeCode: 1006 });
      expect(seen.finals()).toEqual(['Good morning.']);
      connection.send(Buffer.alloc(FRAME)); // ignored after the failure
      await connection.close(); // resolves at once: the connection is over
      expect(seen.failures).toHaveLength(1);
    });

    it('a 1011 close is retryable, a 1008 close permanent', async () => {
      fake.failNextLive(1, { kind: 'close', at: { afterAudioMs: 300 } });
      fake.failNextLive(1, { kind: 'close', code: 1008, reason: 'DATA-0000: bad audio' });
      const first = recorder();
      stream(await transcriber().open(session(), first.handlers), script.pcm);
      expect(await first.failure).toMatchObject({ kind: 'retryable', closeCode: 1011 });
      const second = recorder();
      await transcriber().open(session(), second.handlers);
      const refused = await second.failure;
      expect(refused).toMatchObject({ kind: 'permanent', closeCode: 1008 });
      expect(refused.message).toContain('DATA-0000');
    });

    it("Deepgram's idle close (NET-0001) is retryable", async () => {
      fake.setLiveIdleTimeout(100);
      const seen = recorder();
      await transcriber({ keepAliveMs: 60_000 }).open(session(), seen.handlers);
      const error = await seen.failure;
      expect(error).toMatchObject({ kind: 'retryable', closeCode: 1011 });
      expect(error.message).toContain('net0001');
    });

    it('a stalled socket fails close() after the close timeout, reported once', async () => {
      fake.failNextLive(1, { kind: 'stall', at: { afterAudioMs: 500 } });
      const seen = recorder();
      const connection = await transcriber({ closeTimeoutMs: 200 }).open(session(), seen.handlers);
      stream(connection, script.pcm);
      await expect(connection.close()).rejects.toMatchObject({ kind: 'retryable' });
      expect(seen.failures).toHaveLength(1);
      expect(seen.finals()).toEqual([]);
    });

    it('a slow socket still answers everything, in order', async () => {
      fake.failNextLive(1, { kind: 'slow', delayMs: 15 });
      const seen = recorder();
      const connection = await transcriber().open(session(), seen.handlers);
      stream(connection, script.pcm);
      await connection.close();
      expect(seen.finals()).toEqual(['Good morning.', 'Bye.']);
      expect(seen.failures).toEqual([]);
    });

    it('abort() drops the socket and reports nothing', async () => {
      const seen = recorder();
      const connection = await transcriber().open(session(), seen.handlers);
      stream(connection, script.pcm.subarray(0, FRAME * 3));
      connection.abort();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.failures).toEqual([]);
      expect(fake.liveRecords[0]).toMatchObject({ closedBy: 'client' });
    });
  });
});
