import type { LiveSessionOptions, WordTiming } from '@streamscribe/contracts';
import { espeakSpeech, placeSpeech } from '@streamscribe/testing';
import { SileroVad, linear16ToFloat32, resampleLinear } from '@streamscribe/vad';
import { ProviderError } from '../provider-error';
import type {
  ProviderTranscript,
  TranscriptionProvider,
  TranscriptionRequest,
} from '../transcription-provider';
import type { LiveConnectionHandlers, LiveTranscriberEvent } from './live-transcriber';
import type { SegmentingConnection } from './segmenting-live.connection';
import { SegmentingLiveTranscriber } from './segmenting-live.transcriber';

const RATE = 16000;
const WORD_GAP_MS = 150;

interface SpokenWord {
  word: string;
  pcm: Buffer;
  startMs: number;
  endMs: number;
}

/** espeak-ng words at 16 kHz linear16, each synthesized alone so its samples are known exactly. */
function wordPcm(word: string): Buffer {
  const speech = espeakSpeech(word);
  const samples = resampleLinear(linear16ToFloat32(speech.pcm), speech.sampleRate, RATE);
  const pcm = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) =>
    pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32768))), i * 2),
  );
  return pcm;
}

/** Utterances of words placed from `atMs`, WORD_GAP_MS apart: the session's audio and its words. */
function conversation(utterances: { words: string[]; atMs: number }[], totalMs: number) {
  const words: SpokenWord[] = [];
  for (const u of utterances) {
    let at = u.atMs;
    for (const word of u.words) {
      const pcm = wordPcm(word);
      const endMs = at + (pcm.length / 2 / RATE) * 1000;
      words.push({ word, pcm, startMs: at, endMs });
      at = Math.ceil(endMs) + WORD_GAP_MS;
    }
  }
  return {
    pcm: placeSpeech(
      words.map((w) => ({ pcm: w.pcm, atMs: w.startMs })),
      RATE,
      totalMs,
    ),
    words,
  };
}

/**
 * A batch provider that "hears" exactly the words whose samples it was sent whole: it finds each
 * known word's PCM in the audio, so a result proves which audio reached it and where.
 */
class WordMatchingProvider implements TranscriptionProvider {
  readonly name = 'whisper' as const;
  readonly capabilities = {
    languages: 'any' as const,
    diarization: false,
    wordTimestamps: true,
    streaming: false,
    maxAudioSeconds: 60,
  };
  readonly requests: TranscriptionRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  gate?: Promise<void>;
  failWith?: Error;

  constructor(private readonly vocabulary: SpokenWord[]) {}

  async transcribe(request: TranscriptionRequest): Promise<ProviderTranscript> {
    this.requests.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.gate;
      if (this.failWith) throw this.failWith;
      const pcm = request.audio.subarray(request.audio.indexOf('data') + 8);
      const heard: WordTiming[] = [];
      for (const w of this.vocabulary) {
        let at = pcm.indexOf(w.pcm);
        while (at >= 0 && at % 2 !== 0) at = pcm.indexOf(w.pcm, at + 1);
        if (at < 0) continue;
        const start = at / 2 / RATE;
        heard.push({ word: w.word, start, end: start + w.pcm.length / 2 / RATE, confidence: 0.9 });
      }
      heard.sort((a, b) => a.start - b.start);
      return { text: heard.map((w) => w.word).join(' '), confidence: 0.9, words: heard, model: 'fake' };
    } finally {
      this.inFlight--;
    }
  }
}

const OPTIONS: LiveSessionOptions = {
  format: { encoding: 'linear16', sampleRate: RATE, channels: 1 },
  interimResults: true,
  endpointingMs: 10,
  utteranceEndMs: 1000,
  vadEvents: true,
  keyterms: [],
  hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
};

type Transcript = Extract<LiveTranscriberEvent, { type: 'transcript' }>;

function recorder() {
  const events: LiveTranscriberEvent[] = [];
  const failures: ProviderError[] = [];
  const handlers: LiveConnectionHandlers = {
    onEvent: (e) => events.push(e),
    onFailure: (e) => failures.push(e),
  };
  const finals = () => events.filter((e): e is Transcript => e.type === 'transcript' && e.isFinal);
  const interims = () => events.filter((e): e is Transcript => e.type === 'transcript' && !e.isFinal);
  return { events, failures, handlers, finals, interims };
}

/** 100 ms frames, each segmented (and its decodes answered) before the next: deterministic. */
async function stream(
  connection: SegmentingConnection,
  pcm: Buffer,
  fromMs = 0,
  toMs = Infinity,
): Promise<void> {
  const frame = (RATE / 10) * 2;
  const from = Math.round((fromMs * RATE) / 1000) * 2;
  const to = Math.min(pcm.length, Number.isFinite(toMs) ? Math.round((toMs * RATE) / 1000) * 2 : pcm.length);
  for (let at = from; at < to; at += frame) {
    connection.send(pcm.subarray(at, Math.min(at + frame, to)));
    await connection.whenIdle();
  }
}

function expectContiguous(finals: Transcript[]): void {
  let end = 0;
  for (const f of finals) {
    expect(f.start).toBeGreaterThanOrEqual(end - 1e-6);
    end = f.start + f.duration;
  }
}

describe('SegmentingLiveTranscriber (real Silero VAD, espeak-ng speech, word-matching batch provider)', () => {
  let vad: SileroVad;
  const talk = conversation(
    [
      { words: ['hello', 'world', 'streaming'], atMs: 800 },
      { words: ['voices', 'over', 'telephone', 'lines'], atMs: 4500 },
      { words: ['goodbye', 'everyone'], atMs: 9000 },
    ],
    12500,
  );
  const utterances = [talk.words.slice(0, 3), talk.words.slice(3, 7), talk.words.slice(7)];

  beforeAll(async () => {
    vad = await SileroVad.load();
  });
  afterAll(() => vad.release());

  const transcriber = (provider: TranscriptionProvider, interimIntervalMs = 500) =>
    new SegmentingLiveTranscriber(provider, { interimIntervalMs, loadVad: async () => vad });

  it('cuts utterances at pauses: every word once, in order, at its time, speech_final at each endpoint', async () => {
    const provider = new WordMatchingProvider(talk.words);
    const rec = recorder();
    const connection = (await transcriber(provider).open(OPTIONS, rec.handlers)) as SegmentingConnection;
    await stream(connection, talk.pcm);
    await connection.close();

    expect(connection.processedSeconds()).toBeCloseTo(12.5, 1);
    const finals = rec.finals();
    const heard = finals.flatMap((f) => f.words);
    expect(heard.map((w) => w.word)).toEqual(talk.words.map((w) => w.word));
    heard.forEach((w, i) => {
      expect(w.start).toBeCloseTo(talk.words[i].startMs / 1000, 2);
      expect(w.end).toBeCloseTo(talk.words[i].endMs / 1000, 2);
    });
    const spoken = finals.filter((f) => f.words.length > 0);
    expect(spoken.map((f) => f.words.map((w) => w.word))).toEqual(
      utterances.map((u) => u.map((w) => w.word)),
    );
    expect(spoken.every((f) => f.speechFinal && !f.fromFinalize)).toBe(true);
    expect(spoken.map((f) => f.transcript)).toEqual(utterances.map((u) => u.map((w) => w.word).join(' ')));
    expectContiguous(finals);
    // The finals cover the whole connection, silence included (empty finals, like Deepgram's).
    const last = finals[finals.length - 1];
    expect(last.start + last.duration).toBeCloseTo(12.5, 2);

    const started = rec.events.filter((e) => e.type === 'speech_started');
    expect(started).toHaveLength(3);
    started.forEach((e, i) =>
      expect(Math.abs((e as { timestamp: number }).timestamp - utterances[i][0].startMs / 1000)).toBeLessThan(
        0.2,
      ),
    );
    const ends = rec.events.filter((e) => e.type === 'utterance_end') as { lastWordEnd: number }[];
    expect(ends.map((e) => e.lastWordEnd)).toEqual(spoken.map((f) => f.words[f.words.length - 1].end));

    // Interims: the growing utterance, a prefix of what its final says, never from another one.
    const interims = rec.interims();
    expect(interims.length).toBeGreaterThan(0);
    for (const interim of interims) {
      const owner = spoken.find((f) => Math.abs(f.start - interim.start) < 1e-6);
      expect(owner).toBeDefined();
      expect(owner?.words.slice(0, interim.words.length)).toEqual(interim.words);
    }
    expect(interims.some((i) => i.words.length > 0 && i.words.length < 3)).toBe(true);
    // Every decode is 16 kHz mono WAV, one utterance at a time.
    expect(provider.requests.every((r) => r.format === 'wav' && r.sampleRate === RATE)).toBe(true);
    expect(provider.maxInFlight).toBe(1);
  });

  it('answers Finalize with a final of what it has now (fromFinalize); the rest follows, no word twice', async () => {
    const provider = new WordMatchingProvider(talk.words);
    const rec = recorder();
    const connection = (await transcriber(provider).open(
      { ...OPTIONS, interimResults: false },
      rec.handlers,
    )) as SegmentingConnection;
    // Up to the gap after "voices", then Finalize, then the rest.
    const cut = talk.words[3].endMs + WORD_GAP_MS / 2;
    await stream(connection, talk.pcm, 0, cut);
    connection.finalize();
    await connection.whenIdle();
    const answered = rec.finals().filter((f) => f.fromFinalize);
    expect(answered).toHaveLength(1);
    expect(answered[0].words.map((w) => w.word)).toEqual(['voices']);
    expect(answered[0].speechFinal).toBe(false);
    expect(answered[0].start + answered[0].duration).toBeCloseTo(cut / 1000, 1);

    await stream(connection, talk.pcm, cut);
    await connection.close();
    expect(rec.finals().flatMap((f) => f.words.map((w) => w.word))).toEqual(talk.words.map((w) => w.word));
    expect(rec.interims()).toHaveLength(0);
    expectContiguous(rec.finals());
  });

  it('answers Finalize in silence with an empty final', async () => {
    const rec = recorder();
    const connection = (await transcriber(new WordMatchingProvider(talk.words)).open(
      OPTIONS,
      rec.handlers,
    )) as SegmentingConnection;
    await stream(connection, talk.pcm, 0, 500);
    connection.finalize();
    await connection.whenIdle();
    expect(rec.finals()).toEqual([
      expect.objectContaining({ fromFinalize: true, words: [], transcript: '' }),
    ]);
  });

  it('on close mid-utterance finalizes what is left, then says nothing more', async () => {
    const provider = new WordMatchingProvider(talk.words);
    const rec = recorder();
    const connection = (await transcriber(provider).open(OPTIONS, rec.handlers)) as SegmentingConnection;
    const end = talk.words[8].endMs + 20;
    await stream(connection, talk.pcm, 0, end);
    await connection.close();
    const finals = rec.finals();
    expect(finals.flatMap((f) => f.words.map((w) => w.word))).toEqual(talk.words.map((w) => w.word));
    expect(finals[finals.length - 1].words.map((w) => w.word)).toEqual(['goodbye', 'everyone']);
    expect(finals[finals.length - 1].speechFinal).toBe(false);
    await expect(connection.close()).resolves.toBeUndefined();
    const count = rec.events.length;
    connection.send(talk.pcm.subarray(0, 3200));
    connection.finalize();
    await connection.whenIdle();
    expect(rec.events).toHaveLength(count);
  });

  it('never decodes silence or a tone: only empty finals, no speech events', async () => {
    const provider = new WordMatchingProvider(talk.words);
    const rec = recorder();
    const connection = (await transcriber(provider).open(OPTIONS, rec.handlers)) as SegmentingConnection;
    const tone = Buffer.alloc(RATE * 2 * 3);
    for (let i = 0; i < tone.length / 2; i++)
      tone.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * 440 * i) / RATE)), i * 2);
    await stream(connection, Buffer.concat([Buffer.alloc(RATE * 2 * 3), tone]));
    await connection.close();
    expect(provider.requests).toHaveLength(0);
    expect(rec.events.every((e) => e.type === 'transcript' && e.isFinal && e.words.length === 0)).toBe(true);
    expect(rec.finals().length).toBeGreaterThanOrEqual(5);
    expectContiguous(rec.finals());
  });

  it('keeps one decode in flight: interims are skipped while the provider is busy, finals wait', async () => {
    const provider = new WordMatchingProvider(talk.words);
    let release = () => undefined as void;
    provider.gate = new Promise<void>((resolve) => (release = resolve));
    const rec = recorder();
    const connection = (await transcriber(provider, 100).open(OPTIONS, rec.handlers)) as SegmentingConnection;
    const frame = (RATE / 10) * 2;
    for (let at = 0; at < talk.pcm.length; at += frame) connection.send(talk.pcm.subarray(at, at + frame));
    // The whole stream is segmented while the first decode hangs.
    await connection.whenSegmented();
    // The hung decode (the first interim, about a second into speech) is what is owed: processed
    // stops at its end, not at the VAD's position (12.5 s).
    expect(connection.processedSeconds()).toBeGreaterThan(1);
    expect(connection.processedSeconds()).toBeLessThan(3);
    const closed = connection.close();
    expect(provider.requests).toHaveLength(1);
    release();
    await closed;
    expect(provider.maxInFlight).toBe(1);
    expect(rec.finals().flatMap((f) => f.words.map((w) => w.word))).toEqual(talk.words.map((w) => w.word));
    // 12 s of audio at 100 ms would be dozens of interims; skipped while busy, only the first one ran.
    expect(rec.interims().length).toBeLessThanOrEqual(1);
  });

  it('cuts an utterance longer than maxUtteranceMs at a pause between words, losing none', async () => {
    const long = conversation(
      [{ words: ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'], atMs: 500 }],
      7000,
    );
    const provider = new WordMatchingProvider(long.words);
    const rec = recorder();
    const live = new SegmentingLiveTranscriber(provider, { maxUtteranceMs: 1500, loadVad: async () => vad });
    const connection = (await live.open(
      { ...OPTIONS, interimResults: false },
      rec.handlers,
    )) as SegmentingConnection;
    await stream(connection, long.pcm);
    await connection.close();
    const spoken = rec.finals().filter((f) => f.words.length > 0);
    expect(spoken.length).toBeGreaterThanOrEqual(3);
    expect(spoken.slice(0, -1).every((f) => !f.speechFinal && f.duration <= 1.5 + 0.05)).toBe(true);
    expect(spoken[spoken.length - 1].speechFinal).toBe(true);
    expect(rec.finals().flatMap((f) => f.words.map((w) => w.word))).toEqual(long.words.map((w) => w.word));
    expectContiguous(rec.finals());
  });

  it('reports a provider failure once and goes quiet; close then rejects with it', async () => {
    const provider = new WordMatchingProvider(talk.words);
    provider.failWith = new ProviderError('whisper engine gone', { provider: 'whisper', kind: 'retryable' });
    const rec = recorder();
    const connection = (await transcriber(provider).open(OPTIONS, rec.handlers)) as SegmentingConnection;
    await stream(connection, talk.pcm);
    expect(rec.failures).toEqual([provider.failWith]);
    expect(rec.events.filter((e) => e.type === 'transcript' && e.words.length > 0)).toHaveLength(0);
    await expect(connection.close()).rejects.toBe(provider.failWith);
    expect(rec.failures).toHaveLength(1);
  });

  it('hears 8 kHz mu-law: utterances cut where espeak spoke', async () => {
    const provider = new WordMatchingProvider([]);
    const rec = recorder();
    const connection = (await transcriber(provider).open(
      { ...OPTIONS, format: { encoding: 'mulaw', sampleRate: 8000, channels: 1 } },
      rec.handlers,
    )) as SegmentingConnection;
    const samples = resampleLinear(linear16ToFloat32(talk.pcm), RATE, 8000);
    const mulaw = Buffer.from(Uint8Array.from(samples, mulawByte));
    for (let at = 0; at < mulaw.length; at += 800) {
      connection.send(mulaw.subarray(at, at + 800));
      await connection.whenIdle();
    }
    await connection.close();
    const decoded = provider.requests.length;
    expect(decoded).toBeGreaterThanOrEqual(3);
    const spans = rec.finals().filter((f) => f.duration > 0 && f.speechFinal);
    expect(spans).toHaveLength(3);
    spans.forEach((f, i) => {
      const u = utterances[i];
      expect(f.start).toBeLessThanOrEqual(u[0].startMs / 1000 + 0.05);
      expect(f.start).toBeGreaterThan(u[0].startMs / 1000 - 0.3);
      expect(f.start + f.duration).toBeGreaterThanOrEqual(u[u.length - 1].endMs / 1000 - 0.1);
    });
  });

  it('refuses an encoding it cannot decode, permanently', async () => {
    const rec = recorder();
    const open = transcriber(new WordMatchingProvider([])).open(
      { ...OPTIONS, format: { encoding: 'opus' as 'mulaw', sampleRate: 48000, channels: 1 } },
      rec.handlers,
    );
    await expect(open).rejects.toMatchObject({ kind: 'permanent', provider: 'whisper' });
  });
});

/** G.711 mu-law encoding of one sample in [-1, 1]. */
function mulawByte(value: number): number {
  let s = Math.max(-32635, Math.min(32635, Math.round(value * 32768)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  return ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
}
