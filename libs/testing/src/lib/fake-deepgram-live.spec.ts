import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { FakeDeepgramServer } from './fake-deepgram-server';
import { LiveResultsMessage, LiveServerMessage } from './fake-deepgram/live/live-messages';
import { linear16ToMulaw } from './fake-deepgram/live/mulaw';
import { spokenScript } from './live/spoken-words';
import { createTestCertificates } from './redis-tls/test-certificates';

const KEY = FakeDeepgramServer.DEFAULT_API_KEY;
const PCM_QUERY = 'model=nova-3&encoding=linear16&sample_rate=16000&channels=1';
/** 100 ms of 16 kHz mono 16-bit audio. */
const FRAME = 3200;

interface LiveClient {
  ws: WebSocket;
  messages: LiveServerMessage[];
  closed: Promise<{ code: number; reason: string }>;
}

function connect(fake: FakeDeepgramServer, query: string, init: { protocols?: string[]; key?: string } = {}) {
  const ws = new WebSocket(
    `${fake.wsUrl}/v1/listen?${query}`,
    init.protocols ?? [],
    init.protocols ? {} : { headers: { Authorization: `Token ${init.key ?? KEY}` } },
  );
  const messages: LiveServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as LiveServerMessage));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise<LiveClient>((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function stream(client: LiveClient, pcm: Buffer, frame = FRAME): void {
  for (let at = 0; at < pcm.length; at += frame) client.ws.send(pcm.subarray(at, at + frame));
}

async function closeStream(client: LiveClient) {
  client.ws.send(JSON.stringify({ type: 'CloseStream' }));
  return client.closed;
}

const results = (messages: LiveServerMessage[]) =>
  messages.filter((m): m is LiveResultsMessage => m.type === 'Results');
const finals = (messages: LiveServerMessage[]) => results(messages).filter((m) => m.is_final);
const text = (m: LiveResultsMessage) => m.channel.alternatives[0].transcript;

describe('FakeDeepgramServer live WebSocket', () => {
  let fake: FakeDeepgramServer;

  beforeAll(async () => (fake = await FakeDeepgramServer.start()));
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('recognizes coded words: interim results, a speech_final final, Metadata and a 1000 close', async () => {
    const script = spokenScript([{ words: ['Hello,', 'world!'], startMs: 500 }], { totalMs: 1500 });
    const client = await connect(fake, `${PCM_QUERY}&interim_results=true&punctuate=true&endpointing=100`);
    stream(client, script.pcm);
    expect(await closeStream(client)).toEqual({ code: 1000, reason: '' });

    const interim = results(client.messages).filter((m) => !m.is_final);
    expect(interim.map(text)).toEqual(['Hello,', 'Hello, world!']);
    const [speech, ...rest] = finals(client.messages);
    expect(speech).toMatchObject({ start: 0, is_final: true, speech_final: true, from_finalize: false });
    expect(text(speech)).toBe('Hello, world!');
    // The end of the last word (1.16 s) plus 100 ms of endpointing, heard in 10 ms steps.
    expect(speech.duration).toBeCloseTo(1.26, 3);
    expect(speech.channel.alternatives[0].words).toEqual([
      { word: 'hello', punctuated_word: 'Hello,', start: 0.5, end: 0.8, confidence: 0.99 },
      { word: 'world', punctuated_word: 'world!', start: 0.86, end: 1.16, confidence: 0.99 },
    ]);
    expect(rest.map(text)).toEqual(['']);
    expect(rest[0].start + rest[0].duration).toBeCloseTo(1.5, 3);
    const metadata = client.messages.at(-1);
    expect(metadata).toMatchObject({ type: 'Metadata', duration: 1.5, channels: 1 });
    expect(speech.metadata).toMatchObject({ model_info: { name: 'nova-3' } });
    const [record] = fake.liveRecords;
    expect(record).toMatchObject({ status: 101, audioBytes: script.pcm.length, closedBy: 'server' });
    expect(record.query).toMatchObject({ model: 'nova-3', interim_results: 'true' });
    expect(record.clientMessages).toEqual(['{"type":"CloseStream"}']);
    expect(speech.metadata.request_id).toBe(record.requestId);
  });

  it('splits utterances at pauses even when all audio arrives in one frame (replay)', async () => {
    const script = spokenScript(
      [
        { words: ['one', 'two'], startMs: 200 },
        { words: ['three'], startMs: 2000 },
      ],
      { totalMs: 3000 },
    );
    const client = await connect(fake, `${PCM_QUERY}&endpointing=300`);
    stream(client, script.pcm, script.pcm.length);
    await closeStream(client);
    const spoken = finals(client.messages).filter((m) => text(m) !== '');
    expect(spoken.map(text)).toEqual(['one two', 'three']);
    expect(spoken.every((m) => m.speech_final)).toBe(true);
    // Finals tile the audio: each starts where the one before ended.
    const all = finals(client.messages);
    all.slice(1).forEach((m, i) => expect(m.start).toBeCloseTo(all[i].start + all[i].duration, 3));
  });

  it('answers silence with an empty final about every second', async () => {
    const client = await connect(fake, PCM_QUERY);
    stream(client, Buffer.alloc(FRAME * 35));
    await closeStream(client);
    const empty = finals(client.messages);
    expect(empty.map(text)).toEqual(['', '', '', '']);
    expect(empty.map((m) => m.duration)).toEqual([1, 1, 1, 0.5]);
  });

  it('answers Finalize with a from_finalize final of what was heard, the cut word whole', async () => {
    const script = spokenScript([{ words: ['alpha', 'beta'], startMs: 100 }], { totalMs: 1000 });
    const client = await connect(fake, `${PCM_QUERY}&endpointing=false`);
    stream(client, script.pcm.subarray(0, FRAME * 5)); // alpha whole, beta's start
    client.ws.send(JSON.stringify({ type: 'Finalize' }));
    stream(client, script.pcm.subarray(FRAME * 5));
    await closeStream(client);
    const [flushed, ...after] = finals(client.messages);
    expect(flushed).toMatchObject({ from_finalize: true, speech_final: false, start: 0 });
    expect(text(flushed)).toBe('alpha beta');
    expect(flushed.duration).toBe(0.5); // the audio sent so far, not the rest of "beta"
    expect(flushed.channel.alternatives[0].words[1]).toMatchObject({ start: 0.46, end: 0.76 });
    expect(after.map(text).join('')).toBe('');
  });

  it('sends SpeechStarted and UtteranceEnd when asked', async () => {
    const script = spokenScript([{ words: ['ping'], startMs: 300 }], { totalMs: 2000 });
    const client = await connect(
      fake,
      `${PCM_QUERY}&vad_events=true&utterance_end_ms=1000&interim_results=true`,
    );
    stream(client, script.pcm);
    await closeStream(client);
    const types = client.messages.map((m) => m.type);
    expect(types.filter((t) => t !== 'Results')).toEqual(['SpeechStarted', 'UtteranceEnd', 'Metadata']);
    expect(client.messages.find((m) => m.type === 'SpeechStarted')).toMatchObject({ timestamp: 0.3 });
    expect(client.messages.find((m) => m.type === 'UtteranceEnd')).toMatchObject({ last_word_end: 0.6 });
  });

  it('takes mulaw: 1 byte a sample, times from the byte count', async () => {
    const client = await connect(fake, 'encoding=mulaw&sample_rate=8000');
    stream(client, linear16ToMulaw(Buffer.alloc(16_000 * 2)), 800);
    await closeStream(client);
    expect(finals(client.messages).map((m) => m.duration)).toEqual([1, 1]);
    expect(client.messages.at(-1)).toMatchObject({ type: 'Metadata', duration: 2 });
  });

  it('accepts the key as Sec-WebSocket-Protocol: token, <key>', async () => {
    const client = await connect(fake, PCM_QUERY, { protocols: ['token', KEY] });
    expect(client.ws.protocol).toBe('token');
    expect(await closeStream(client)).toMatchObject({ code: 1000 });
  });

  it('refuses a wrong key with 401 and bad audio parameters with 400, at the upgrade', async () => {
    await expect(connect(fake, PCM_QUERY, { key: 'nope' })).rejects.toThrow('upgrade refused: 401');
    await expect(connect(fake, PCM_QUERY, { protocols: ['token', 'nope'] })).rejects.toThrow('401');
    await expect(connect(fake, 'encoding=linear16')).rejects.toThrow('upgrade refused: 400');
    await expect(connect(fake, 'encoding=opus&sample_rate=48000')).rejects.toThrow('400');
    expect(fake.liveRecords.map((r) => r.status)).toEqual([401, 401, 400, 400]);
  });

  it('closes a socket that hears nothing with 1011 NET-0001; KeepAlive counts as something', async () => {
    fake.setLiveIdleTimeout(150);
    const quiet = await connect(fake, PCM_QUERY);
    const { code, reason } = await quiet.closed;
    expect(code).toBe(1011);
    expect(reason).toContain('net0001');

    const kept = await connect(fake, PCM_QUERY);
    for (let i = 0; i < 4; i++) {
      kept.ws.send(JSON.stringify({ type: 'KeepAlive' }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(kept.ws.readyState).toBe(WebSocket.OPEN);
    expect(await closeStream(kept)).toMatchObject({ code: 1000 });
    expect(fake.liveRecords[1].clientMessages.filter((m) => m.includes('KeepAlive'))).toHaveLength(4);
  });

  describe('scripted failures', () => {
    const script = spokenScript(
      [
        { words: ['first'], startMs: 100 },
        { words: ['second'], startMs: 1000 },
      ],
      { totalMs: 2000 },
    );

    it('drops the socket when a word is heard, before answering it', async () => {
      fake.failNextLive(1, { kind: 'drop', at: { word: 'second' } });
      const client = await connect(fake, PCM_QUERY);
      stream(client, script.pcm);
      expect((await client.closed).code).toBe(1006);
      expect(finals(client.messages).map(text)).toEqual(['first']);
      expect(fake.liveRecords[0]).toMatchObject({ dropped: true, faultPlayed: true, closeCode: 1006 });
    });

    it('closes with 1011 after some audio', async () => {
      fake.failNextLive(1, { kind: 'close', at: { afterAudioMs: 600 } });
      const client = await connect(fake, PCM_QUERY);
      stream(client, script.pcm);
      expect((await client.closed).code).toBe(1011);
      expect(finals(client.messages).map(text)).toEqual(['first']);
    });

    it('stalls: keeps the socket open and answers nothing more', async () => {
      fake.failNextLive(1, { kind: 'stall', at: { afterAudioMs: 600 } });
      const client = await connect(fake, PCM_QUERY);
      stream(client, script.pcm);
      client.ws.send(JSON.stringify({ type: 'CloseStream' }));
      const more = connect(fake, PCM_QUERY); // a later connection is served normally
      const next = await more;
      stream(next, script.pcm);
      await closeStream(next);
      expect(client.ws.readyState).toBe(WebSocket.OPEN);
      expect(finals(client.messages).map(text)).toEqual(['first']);
      expect(finals(next.messages).map(text)).toContain('second');
      // What arrives while stalled is still recorded, just never answered.
      expect(fake.liveRecords[0]).toMatchObject({ audioBytes: script.pcm.length, faultPlayed: true });
      expect(fake.liveRecords[0].clientMessages).toEqual(['{"type":"CloseStream"}']);
      fake.liveConnections[0].terminate();
      await client.closed;
    });

    it('refuses the upgrade with the status asked for', async () => {
      fake.failNextLive(1, { kind: 'refuse', status: 403 });
      await expect(connect(fake, PCM_QUERY)).rejects.toThrow('upgrade refused: 403');
      await closeStream(await connect(fake, PCM_QUERY));
      expect(fake.liveRecords.map((r) => r.status)).toEqual([403, 101]);
    });

    it('answers slowly but in order, and can be failed on demand', async () => {
      fake.failNextLive(1, { kind: 'slow', delayMs: 20 });
      const client = await connect(fake, PCM_QUERY);
      stream(client, script.pcm);
      await closeStream(client);
      expect(finals(client.messages).map(text)).toEqual(['first', 'second', '']);
      expect(client.messages.at(-1)?.type).toBe('Metadata');

      const other = await connect(fake, PCM_QUERY);
      fake.liveConnections[1].closeWith(1011, 'boom');
      expect(await other.closed).toEqual({ code: 1011, reason: 'boom' });
    });
  });

  it('serves wss:// with a certificate made in the test', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-deepgram-tls-'));
    const certs = createTestCertificates(dir);
    const secure = await FakeDeepgramServer.start({
      tls: { cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) },
    });
    try {
      expect(secure.wsUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
      const ws = new WebSocket(`${secure.wsUrl}/v1/listen?${PCM_QUERY}`, {
        headers: { Authorization: `Token ${KEY}` },
        ca: readFileSync(certs.caFile),
      });
      const messages: LiveServerMessage[] = [];
      ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as LiveServerMessage));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(spokenScript([{ words: ['secure'], startMs: 100 }], { totalMs: 600 }).pcm);
      ws.send(JSON.stringify({ type: 'CloseStream' }));
      const code = await new Promise((resolve) => ws.once('close', resolve));
      expect(code).toBe(1000);
      expect(finals(messages).map(text)).toEqual(['secure', '']);
    } finally {
      await secure.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
