import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveSessionOptions } from '@streamscribe/contracts';
import {
  createTestCertificates,
  FakeAssemblyAIServer,
  spokenScript,
  trustTestCertificateAuthority,
} from '@streamscribe/testing';
import type { FakeStreamingScript } from '@streamscribe/testing';
import { ProviderError } from '../provider-error';
import type { LiveConnection, LiveTranscriberEvent } from '../live/live-transcriber';
import { AssemblyAILiveTranscriber, assemblyAIStreamingUrl } from './assemblyai-live.transcriber';

const FRAME_BYTES = 3200; // 100 ms of 16 kHz 16-bit mono

const script = spokenScript(
  [
    { words: ['hello', 'world'], startMs: 200 },
    { words: ['good', 'morning', 'again'], startMs: 2000 },
  ],
  { totalMs: 4000 },
);

function sessionOptions(overrides: Partial<LiveSessionOptions> = {}): LiveSessionOptions {
  return {
    format: { encoding: 'linear16', sampleRate: 16_000, channels: 1 },
    interimResults: true,
    endpointingMs: 300,
    vadEvents: false,
    keyterms: [],
    hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
    ...overrides,
  };
}

interface Opened {
  connection: LiveConnection;
  events: LiveTranscriberEvent[];
  failures: ProviderError[];
}

type TranscriptEvent = Extract<LiveTranscriberEvent, { type: 'transcript' }>;

const finals = (events: LiveTranscriberEvent[]): TranscriptEvent[] =>
  events.filter((e): e is TranscriptEvent => e.type === 'transcript' && e.isFinal);
const finalWords = (events: LiveTranscriberEvent[]) =>
  finals(events).flatMap((e) => e.words.map((w) => w.word));

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('AssemblyAILiveTranscriber against the fake Universal-Streaming v3 server', () => {
  let dir: string;
  let fake: FakeAssemblyAIServer;
  let untrust: () => void;
  let transcriber: AssemblyAILiveTranscriber;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aai-live-'));
    const certs = createTestCertificates(dir);
    untrust = trustTestCertificateAuthority(readFileSync(certs.caFile));
    fake = await FakeAssemblyAIServer.start({
      tls: { cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) },
    });
    transcriber = new AssemblyAILiveTranscriber({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      terminationTimeoutMs: 1000,
      connectTimeoutMs: 2000,
    });
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await fake.close();
    untrust();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(options = sessionOptions(), using = transcriber): Promise<Opened> {
    const events: LiveTranscriberEvent[] = [];
    const failures: ProviderError[] = [];
    const connection = await using.open(options, {
      onEvent: (event) => events.push(event),
      onFailure: (error) => failures.push(error),
    });
    return { connection, events, failures };
  }

  function stream(connection: LiveConnection, pcm: Buffer, frameBytes = FRAME_BYTES): void {
    for (let at = 0; at < pcm.length; at += frameBytes) connection.send(pcm.subarray(at, at + frameBytes));
  }

  it('derives the streaming URL from the API base URL', () => {
    expect(assemblyAIStreamingUrl('https://api.assemblyai.com')).toBe('wss://streaming.assemblyai.com/v3/ws');
    expect(assemblyAIStreamingUrl('https://api.eu.assemblyai.com/')).toBe(
      'wss://streaming.eu.assemblyai.com/v3/ws',
    );
    expect(assemblyAIStreamingUrl('https://127.0.0.1:8443')).toBe('wss://127.0.0.1:8443/v3/ws');
    expect(assemblyAIStreamingUrl('http://proxy.local/aai/')).toBe('ws://proxy.local/aai/v3/ws');
  });

  it('turns partial Turns into interims and end_of_turn Turns into finals, times from the first byte', async () => {
    const { connection, events, failures } = await open();
    stream(connection, script.pcm);
    await connection.close();

    expect(failures).toEqual([]);
    const [first, second] = finals(events);
    expect(first.words.map((w) => w.word)).toEqual(['hello', 'world']);
    expect(second.words.map((w) => w.word)).toEqual(['good', 'morning', 'again']);
    for (const final of [first, second]) {
      expect(final).toMatchObject({ isFinal: true, speechFinal: true, fromFinalize: false });
    }
    const heard = finals(events).flatMap((e) => e.words);
    heard.forEach((word, i) => {
      expect(word.start).toBeCloseTo(script.words[i].startMs / 1000, 2);
      expect(word.end).toBeCloseTo((script.words[i].startMs + script.words[i].durationMs) / 1000, 2);
    });
    expect(first.start).toBeCloseTo(0.2, 2);
    expect(first.duration).toBeCloseTo(0.66, 2);
    expect(first.transcript).toBe('hello world');
    // Interims came before each final, growing word by word.
    const firstFinal = events.indexOf(first);
    const interims = events
      .slice(0, firstFinal)
      .filter((e): e is TranscriptEvent => e.type === 'transcript' && !e.isFinal);
    expect(interims.length).toBeGreaterThan(0);
    expect(interims.at(-1)?.words.map((w) => w.word)).toEqual(['hello', 'world']);

    const [recorded] = fake.streamingConnections;
    expect(recorded.headers.authorization).toBe(fake.apiKey);
    expect(recorded.query).toMatchObject({
      sample_rate: '16000',
      encoding: 'pcm_s16le',
      min_turn_silence: '300',
      speech_model: 'universal-streaming-english',
      session_heartbeat: 'true',
    });
    expect(recorded.received.map((m) => m['type'])).toEqual(['Terminate']);
    expect(recorded.sent.at(-1)).toMatchObject({ type: 'Termination' });
    expect(recorded.ended).toEqual({ code: 1000, reason: '' });
    expect(recorded.audioBytes).toBe(script.pcm.length);
  });

  it('regroups audio into the 50–1000 ms messages AssemblyAI accepts, padding only the tail', async () => {
    const { connection, failures } = await open();
    // 10 ms frames (too short for AssemblyAI), then one 3 s frame (too long), then a 20 ms tail.
    stream(connection, script.pcm.subarray(0, 16_000), 320);
    connection.send(script.pcm.subarray(16_000, 112_000));
    connection.send(script.pcm.subarray(112_000, 112_640));
    await connection.close();
    expect(failures).toEqual([]);
    const [recorded] = fake.streamingConnections;
    expect(recorded.ended).toEqual({ code: 1000, reason: '' });
    // 112 640 bytes sent; the 20 ms tail went out padded to 50 ms.
    expect(recorded.audioBytes).toBe(112_000 + 1600);
  });

  it('asks for formatted turns with smart_format and reports the formatted final only', async () => {
    const { connection, events } = await open(sessionOptions({ smartFormat: true, interimResults: false }));
    stream(connection, script.pcm);
    await connection.close();
    expect(fake.streamingConnections[0].query['format_turns']).toBe('true');
    const [first] = finals(events);
    expect(finals(events)).toHaveLength(2);
    expect(first.transcript).toBe('Hello world.');
    expect(first.words).toMatchObject([
      { word: 'hello', punctuatedWord: 'Hello' },
      { word: 'world', punctuatedWord: 'world.' },
    ]);
    expect(events.some((e) => e.type === 'transcript' && !e.isFinal)).toBe(false);
  });

  it('sends keyterms, a named streaming model, and speech_started / utterance_end when asked', async () => {
    const { connection, events } = await open(
      sessionOptions({
        keyterms: ['Kubernetes'],
        model: 'universal-streaming-multilingual',
        vadEvents: true,
        utteranceEndMs: 1000,
      }),
    );
    stream(connection, script.pcm);
    await connection.close();
    expect(fake.streamingConnections[0].query).toMatchObject({
      keyterms_prompt: JSON.stringify(['Kubernetes']),
      speech_model: 'universal-streaming-multilingual',
    });
    const kinds = events.map((e) => (e.type === 'transcript' ? (e.isFinal ? 'final' : 'interim') : e.type));
    expect(kinds.filter((k) => k === 'speech_started')).toHaveLength(2);
    expect(kinds.indexOf('speech_started')).toBeLessThan(kinds.indexOf('interim'));
    expect(events.filter((e) => e.type === 'utterance_end')).toEqual([
      { type: 'utterance_end', lastWordEnd: expect.closeTo(0.86, 2) },
      { type: 'utterance_end', lastWordEnd: expect.closeTo(3.02, 2) },
    ]);
  });

  it('asks for speaker labels with diarize and numbers the speakers from 0', async () => {
    const { connection, events } = await open(sessionOptions({ diarize: true }));
    stream(connection, script.pcm);
    await connection.close();
    expect(fake.streamingConnections[0].query['speaker_labels']).toBe('true');
    expect(finals(events)[0].words.map((w) => w.speaker)).toEqual([0, 0]);
    const { connection: plain, events: plainEvents } = await open();
    stream(plain, script.pcm);
    await plain.close();
    expect(fake.streamingConnections[1].query['speaker_labels']).toBeUndefined();
    expect(finals(plainEvents)[0].words[0]).not.toHaveProperty('speaker');
  });

  it('reports the audio AssemblyAI processed over silence, from its heartbeats', async () => {
    const { connection } = await open();
    const processed = connection as LiveConnection & { processedSeconds(): number };
    expect(processed.processedSeconds()).toBe(0);
    // 1.5 s of the script (the first turn), then 1.3 s of silence that no Turn speaks of.
    stream(connection, Buffer.concat([script.pcm.subarray(0, 32_000 * 1.5), Buffer.alloc(32_000 * 1.3)]));
    await until(() => processed.processedSeconds() >= 2, 'the heartbeat at 2 s');
    expect(processed.processedSeconds()).toBe(2);
    await connection.close();
  });

  it('finalize() sends ForceEndpoint; the final answering it carries fromFinalize', async () => {
    const { connection, events } = await open();
    // Up to 2.5 s: "good" heard whole, "morning" not yet; no silence yet to end the turn.
    stream(connection, script.pcm.subarray(0, 80_000));
    await until(() => finals(events).length === 1, 'the first turn');
    connection.finalize();
    await until(() => finals(events).length === 2, 'the forced final');
    expect(finals(events)[1]).toMatchObject({ fromFinalize: true, speechFinal: true });
    expect(finals(events)[1].words.map((w) => w.word)).toEqual(['good']);
    expect(fake.streamingConnections[0].received.map((m) => m['type'])).toEqual(['ForceEndpoint']);
    stream(connection, script.pcm.subarray(80_000));
    await connection.close();
    expect(finals(events)[2]).toMatchObject({ fromFinalize: false });
    expect(finalWords(events)).toEqual(['hello', 'world', 'good', 'morning', 'again']);
  });

  it('finalize() with no turn in progress answers at once with an empty fromFinalize final', async () => {
    const { connection, events } = await open();
    // 1.5 s: the first turn ended (300 ms of silence after "world"), nothing of the second yet.
    stream(connection, script.pcm.subarray(0, 48_000));
    await until(() => finals(events).length === 1, 'the first turn');
    connection.finalize();
    expect(finals(events)[1]).toMatchObject({
      fromFinalize: true,
      speechFinal: false,
      words: [],
      transcript: '',
      start: expect.closeTo(0.86, 2),
      duration: 0,
    });
    stream(connection, script.pcm.subarray(48_000));
    await connection.close();
    expect(finals(events).map((f) => f.fromFinalize)).toEqual([false, true, false]);
    expect(finalWords(events)).toEqual(['hello', 'world', 'good', 'morning', 'again']);
  });

  it('close() ends a turn still in progress before Termination', async () => {
    const { connection, events } = await open();
    // The stream stops right after "again": no silence for the fake to end the turn on.
    stream(connection, script.pcm.subarray(0, Math.round(3.02 * 32_000)));
    await connection.close();
    expect(finalWords(events)).toEqual(['hello', 'world', 'good', 'morning', 'again']);
  });

  it('answers slowly but in order when the provider is slow', async () => {
    fake.scriptStreaming({ delayMs: 40 });
    const { connection, events, failures } = await open();
    stream(connection, script.pcm);
    await connection.close();
    expect(failures).toEqual([]);
    expect(finalWords(events)).toEqual(['hello', 'world', 'good', 'morning', 'again']);
  });

  describe('failures', () => {
    it('a refused key rejects open() as permanent (4001)', async () => {
      const wrong = new AssemblyAILiveTranscriber({ apiKey: 'wrong-key', baseUrl: fake.url });
      const opening = open(sessionOptions(), wrong);
      await expect(opening).rejects.toBeInstanceOf(ProviderError);
      await expect(opening).rejects.toMatchObject({ kind: 'permanent', closeCode: 4001 });
      expect(fake.streamingConnections[0].ended).toEqual({ code: 4001, reason: 'Not Authorized' });
    });

    it('refused parameters reject open() as permanent', async () => {
      await expect(
        open(sessionOptions({ format: { encoding: 'linear16', sampleRate: 16_000, channels: 2 } })),
      ).rejects.toMatchObject({ kind: 'permanent' });
      fake.scriptStreaming({ refuse: { code: 4002, reason: 'Insufficient funds' } });
      await expect(open()).rejects.toMatchObject({ kind: 'permanent', closeCode: 4002 });
    });

    it('a plain-http base URL is a permanent configuration error (the SDK takes wss only)', async () => {
      const plain = new AssemblyAILiveTranscriber({ apiKey: fake.apiKey, baseUrl: 'http://127.0.0.1:1' });
      await expect(open(sessionOptions(), plain)).rejects.toMatchObject({ kind: 'permanent' });
    });

    it('an unreachable server rejects open() as retryable', async () => {
      const gone = new AssemblyAILiveTranscriber({ apiKey: fake.apiKey, baseUrl: 'https://127.0.0.1:1' });
      await expect(open(sessionOptions(), gone)).rejects.toMatchObject({ kind: 'retryable' });
    });

    it('a Begin later than the connect timeout rejects open() as retryable', async () => {
      fake.scriptStreaming({ delayMs: 500 });
      const impatient = new AssemblyAILiveTranscriber({
        apiKey: fake.apiKey,
        baseUrl: fake.url,
        connectTimeoutMs: 100,
      });
      await expect(open(sessionOptions(), impatient)).rejects.toMatchObject({ kind: 'retryable' });
    });

    it('a socket dropped mid-utterance is reported once, retryable, after the words before it', async () => {
      fake.scriptStreaming({ at: { onWord: 'morning' }, failure: 'drop' });
      const { connection, events, failures } = await open();
      stream(connection, script.pcm);
      await until(() => failures.length > 0, 'the drop');
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ kind: 'retryable', closeCode: 1006, statusCode: undefined });
      expect(finalWords(events)).toEqual(['hello', 'world']);
      expect(fake.streamingConnections[0].ended).toBe('dropped');
      // Nothing more after a failure; close() then rejects instead of hanging.
      connection.send(script.pcm.subarray(0, FRAME_BYTES));
      await expect(connection.close()).rejects.toMatchObject({ kind: 'retryable' });
      expect(failures).toHaveLength(1);
    });

    it.each<[string, FakeStreamingScript['failure'], number]>([
      ['1011', { code: 1011, reason: 'Internal error' }, 1011],
      ["AssemblyAI's 3005 server error", { code: 3005, reason: 'Server error' }, 3005],
      ["AssemblyAI's 3008 session expired", { code: 3008, reason: 'Session Expired' }, 3008],
    ])('a close with %s is retryable', async (_name, failure, code) => {
      fake.scriptStreaming({ at: { afterMs: 1000 }, failure });
      const { connection, failures } = await open();
      stream(connection, script.pcm);
      await until(() => failures.length > 0, 'the close');
      expect(failures).toEqual([expect.objectContaining({ kind: 'retryable', closeCode: code })]);
      expect(failures[0].message).toContain(`closed the stream with ${code}`);
    });

    it('an Error frame for bad billing mid-session is permanent', async () => {
      fake.scriptStreaming({ at: { afterMs: 500 }, failure: { code: 4002, reason: 'Insufficient funds' } });
      const { connection, failures } = await open();
      stream(connection, script.pcm);
      await until(() => failures.length > 0, 'the close');
      expect(failures[0]).toMatchObject({ kind: 'permanent', closeCode: 4002 });
    });

    it('a stalled stream: no failure from the socket (the worker judges stalls), close() rejects after its bound', async () => {
      fake.scriptStreaming({ at: { onWord: 'good' }, failure: 'stall' });
      const { connection, events, failures } = await open();
      stream(connection, script.pcm);
      await until(() => fake.streamingConnections[0].audioBytes === script.pcm.length, 'all audio');
      expect(finalWords(events)).toEqual(['hello', 'world']);
      expect(failures).toEqual([]);
      // No heartbeats after the stall (at 2.0 s of 4 s) either: the worker sees audio owed an answer.
      expect((connection as LiveConnection & { processedSeconds(): number }).processedSeconds()).toBe(2);
      await expect(connection.close()).rejects.toMatchObject({
        kind: 'retryable',
        message: expect.stringContaining('no Termination'),
      });
      expect(failures).toEqual([]);
    });

    it('abort() drops the connection and reports nothing', async () => {
      const { connection, events, failures } = await open();
      stream(connection, script.pcm.subarray(0, 32_000));
      connection.abort();
      await until(() => fake.streamingConnections[0].ended !== undefined, 'the socket to close');
      connection.send(script.pcm.subarray(32_000));
      expect(failures).toEqual([]);
      expect(finals(events)).toEqual([]);
    });
  });
});
