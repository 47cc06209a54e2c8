import { TINY_WHISPER_DETECTED_LANGUAGE, TINY_WHISPER_TEXT, tinyModelDir } from '@streamscribe/testing';
import { createLogger } from '@streamscribe/observability';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperEngine, WhisperWindow, WindowResult } from './whisper-engine';

const tone = (seconds: number, hz = 440) =>
  Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) => 0.2 * Math.sin((2 * Math.PI * hz * i) / 16000),
  );
const window = (samples: Float32Array, extra: Partial<WhisperWindow> = {}): WhisperWindow => ({
  samples,
  offsetSeconds: 0,
  language: 'en',
  task: 'transcribe',
  timestamps: false,
  ...extra,
});

describe('WhisperEngine on the tiny export', () => {
  let engine: WhisperEngine;
  beforeAll(async () => {
    engine = await WhisperEngine.load(
      tinyModelDir('whisper'),
      new OnnxSessionFactory(
        { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' },
        createLogger('test'),
      ),
    );
  });

  it('decodes the known text greedily through the KV cache, with a 0..1 confidence', async () => {
    const [result] = await engine.transcribeBatch([window(tone(2))]);
    expect(result.text).toBe(TINY_WHISPER_TEXT);
    expect(result.language).toBe('en');
    expect(result.words.map((w) => w.word)).toEqual(TINY_WHISPER_TEXT.split(' '));
    for (const w of result.words) expect(w.confidence).toBeGreaterThan(0.9);
    expect(result.words.at(-1)?.end).toBeCloseTo(2, 3);
  });

  it('detects the language when none is forced', async () => {
    const [result] = await engine.transcribeBatch([window(tone(1), { language: undefined })]);
    expect(result.language).toBe(TINY_WHISPER_DETECTED_LANGUAGE);
    expect(result.text).toBe(TINY_WHISPER_TEXT);
  });

  it('returns timestamped segments when asked', async () => {
    const [result] = await engine.transcribeBatch([window(tone(3), { timestamps: true, offsetSeconds: 30 })]);
    expect(result.segments).toEqual([{ start: 30, end: 31, text: TINY_WHISPER_TEXT }]);
  });

  it('decodes every item of one batch, whatever its length, prompt or language', async () => {
    const results = await engine.transcribeBatch([
      window(tone(0.5)),
      window(tone(7, 220), { language: undefined }),
      window(tone(29.9, 880), { timestamps: true }),
      window(tone(3), { language: 'de', offsetSeconds: 60 }),
    ]);
    expect(results.map((r) => r.text)).toEqual([
      TINY_WHISPER_TEXT,
      TINY_WHISPER_TEXT,
      TINY_WHISPER_TEXT,
      TINY_WHISPER_TEXT,
    ]);
    expect(results.map((r) => r.language)).toEqual(['en', TINY_WHISPER_DETECTED_LANGUAGE, 'en', 'de']);
    expect(results.map((r) => r.segments.map((s) => [s.start, s.end]))).toEqual([
      [[0, 0.5]],
      [[0, 7]],
      [[0, 1]],
      [[60, 63]],
    ]);
  });

  it('decodes a batch step by step exactly as one window at a time', async () => {
    const windows = [window(tone(2)), window(tone(5, 300)), window(tone(1, 500))];
    const together = await engine.transcribeBatch(windows);
    const alone: WindowResult[] = [];
    for (const w of windows) alone.push(...(await engine.transcribeBatch([w])));
    expect(together.map((r) => r.logProbs.length)).toEqual(alone.map((r) => r.logProbs.length));
    // Windows differ in their log-probabilities by ≥ 5e-6 (the random transformer under the tiny
    // model's bias sees their audio), so 5e-8 tells a mixed-up row apart.
    together.forEach((r, i) => r.logProbs.forEach((p, j) => expect(p).toBeCloseTo(alone[i].logProbs[j], 7)));
  });
});
