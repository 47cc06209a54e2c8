import { TINY_WHISPER_DETECTED_LANGUAGE, TINY_WHISPER_TEXT, tinyModelDir } from '@streamscribe/testing';
import { createLogger } from '@streamscribe/observability';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperEngine, WhisperWindow } from './whisper-engine';

const tone = (seconds: number, hz = 440) => Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => 0.2 * Math.sin((2 * Math.PI * hz * i) / 16000));
const window = (samples: Float32Array, extra: Partial<WhisperWindow> = {}): WhisperWindow => ({ samples, offsetSeconds: 0, language: 'en', task: 'transcribe', timestamps: false, ...extra });

describe('WhisperEngine on the tiny export', () => {
  let engine: WhisperEngine;
  beforeAll(async () => {
    engine = await WhisperEngine.load(tinyModelDir('whisper'), new OnnxSessionFactory({ device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' }, createLogger('test')));
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

  it('decodes every item of one encoder batch, whatever its length', async () => {
    const results = await engine.transcribeBatch([window(tone(0.5)), window(tone(7, 220)), window(tone(29.9, 880), { timestamps: true })]);
    expect(results.map((r) => r.text)).toEqual([TINY_WHISPER_TEXT, TINY_WHISPER_TEXT, TINY_WHISPER_TEXT]);
    expect(results.map((r) => r.words.at(-1)?.end)).toEqual([0.5, 7, 1]);
  });
});
