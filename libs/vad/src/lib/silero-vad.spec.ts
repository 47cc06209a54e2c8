import { existsSync } from 'node:fs';
import { espeakSpeech, placeSpeech, tinyModelDir } from '@streamscribe/testing';
import { linear16ToFloat32, mulawToFloat32, resampleLinear } from './pcm';
import { SileroVad, VAD_FRAME_MS, bundledSileroModel } from './silero-vad';
import type { SpeechSpan } from './speech-span';

const UTTERANCES = [
  { text: 'the quick brown fox jumps over the lazy dog', atMs: 1000 },
  { text: 'streaming transcription needs voice activity detection', atMs: 7000 },
  { text: 'good morning', atMs: 13500 },
];
const TOTAL_MS = 16000;
/** Long enough that the pauses between words stay inside a span. */
const SEGMENTER = { minSilenceMs: 500 };

function conversation(): { pcm: Buffer; sampleRate: number; expected: SpeechSpan[] } {
  const spoken = UTTERANCES.map((u) => ({ ...u, speech: espeakSpeech(u.text) }));
  const sampleRate = spoken[0].speech.sampleRate;
  const pcm = placeSpeech(
    spoken.map((s) => ({ pcm: s.speech.pcm, atMs: s.atMs })),
    sampleRate,
    TOTAL_MS,
  );
  const expected = spoken.map((s) => ({ startMs: s.atMs, endMs: s.atMs + s.speech.durationMs }));
  return { pcm, sampleRate, expected };
}

function expectNear(spans: SpeechSpan[], expected: SpeechSpan[]): void {
  expect(spans).toHaveLength(expected.length);
  spans.forEach((span, i) => {
    expect(Math.abs(span.startMs - expected[i].startMs)).toBeLessThanOrEqual(150);
    expect(Math.abs(span.endMs - expected[i].endMs)).toBeLessThanOrEqual(300);
  });
}

/** G.711 mu-law encoding (what a telephony client sends). */
function toMulaw(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length);
  samples.forEach((value, i) => {
    let s = Math.max(-32635, Math.min(32635, Math.round(value * 32768)));
    const sign = s < 0 ? 0x80 : 0;
    if (s < 0) s = -s;
    s += 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    const mantissa = (s >> (exponent + 3)) & 0x0f;
    out[i] = ~(sign | (exponent << 4) | mantissa) & 0xff;
  });
  return out;
}

function tone(hz: number, ms: number, sampleRate = 16000, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: (ms * sampleRate) / 1000 },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate),
  );
}

describe('SileroVad (bundled Silero v5 on onnxruntime-node)', () => {
  let vad: SileroVad;
  const talk = conversation();

  beforeAll(async () => {
    vad = await SileroVad.load({ segmenter: SEGMENTER });
  });
  afterAll(() => vad.release());

  it('finds espeak-ng utterances where they were placed, at their native 22.05 kHz', async () => {
    expectNear(await vad.speechSpans(linear16ToFloat32(talk.pcm), talk.sampleRate), talk.expected);
  });

  it('finds the same utterances at 16 kHz linear16 and in 8 kHz mu-law', async () => {
    const samples = linear16ToFloat32(talk.pcm);
    expectNear(await vad.speechSpans(resampleLinear(samples, talk.sampleRate, 16000), 16000), talk.expected);
    const mulaw = toMulaw(resampleLinear(samples, talk.sampleRate, 8000));
    expectNear(await vad.speechSpans(mulawToFloat32(mulaw), 8000), talk.expected);
  });

  it('splits at the pauses between words when minSilenceMs is short', async () => {
    const words = await vad.speechSpans(linear16ToFloat32(talk.pcm), talk.sampleRate, { minSilenceMs: 30 });
    expect(words.length).toBeGreaterThan(UTTERANCES.length);
    for (const span of words)
      expect(talk.expected.some((u) => span.startMs >= u.startMs - 150 && span.endMs <= u.endMs + 300)).toBe(
        true,
      );
  });

  it('hears no speech in silence, hum, tones or a tone sweep', async () => {
    const sweep = Float32Array.from(
      { length: 48000 },
      (_, i) => 0.4 * Math.sin(2 * Math.PI * (200 + (i / 48000) * 3000) * (i / 16000)),
    );
    for (const samples of [
      new Float32Array(48000),
      tone(50, 3000),
      tone(440, 3000),
      tone(1000, 3000, 8000),
      sweep,
    ]) {
      const rate = samples.length === 24000 ? 8000 : 16000;
      expect(await vad.speechSpans(samples, rate)).toEqual([]);
      const frames = await vad.stream({ sampleRate: rate }).push(samples);
      expect(Math.max(...frames.map((f) => f.probability))).toBeLessThan(0.5);
    }
  });

  it('scores a stream the same whether it arrives whole or in frames of any size', async () => {
    const samples = linear16ToFloat32(talk.pcm).subarray(0, talk.sampleRate * 4);
    const whole = await vad.stream({ sampleRate: talk.sampleRate }).push(samples);
    const pieces = vad.stream({ sampleRate: talk.sampleRate });
    const other = vad.stream({ sampleRate: talk.sampleRate });
    const framed = [];
    for (let at = 0, size = 100; at < samples.length; at += size, size = (size * 13 + 7) % 3000 || 1) {
      // Another stream interleaved on the same model must not disturb this one's state.
      const [mine] = await Promise.all([
        pieces.push(samples.subarray(at, at + size)),
        other.push(samples.subarray(0, 700)),
      ]);
      framed.push(...mine);
    }
    expect(framed.map((f) => f.startMs)).toEqual(whole.map((f) => f.startMs));
    framed.forEach((frame, i) => expect(frame.probability).toBeCloseTo(whole[i].probability, 5));
    expect(whole[1].startMs).toBe(VAD_FRAME_MS);
  });

  it('scores the last partial window on flush and ends it with the audio', async () => {
    const stream = vad.stream();
    expect(await stream.push(new Float32Array(700))).toHaveLength(1);
    const last = await stream.flush();
    expect(last).toEqual([{ startMs: 32, endMs: 43.75, probability: expect.any(Number) }]);
    expect(stream.processedMs).toBe(43.75);
  });

  it('finds the shipped model from sources (an app bundle has it in vad-model/ beside main.js)', () => {
    expect(existsSync(bundledSileroModel())).toBe(true);
  });

  it('refuses a model that is not a Silero export, and bad options, saying why', async () => {
    await expect(
      SileroVad.load({ modelPath: `${tinyModelDir('parakeet')}/decoder_joint-model.onnx` }),
    ).rejects.toThrow(/not a Silero VAD v5 export/);
    await expect(SileroVad.load({ threads: 0 })).rejects.toThrow(/threads must be/);
    await expect(SileroVad.load({ segmenter: { minSpeechMs: -5 } })).rejects.toThrow(/minSpeechMs/);
  });
});
