import { createLogger } from '@streamscribe/observability';
import { tinyModelDir, tinyParakeetText } from '@streamscribe/testing';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { ParakeetEngine } from './parakeet-engine';

const noise = (seconds: number, seed: number) =>
  Float32Array.from({ length: Math.round(seconds * 16000) }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 0.1 * (seed / 2 ** 31 - 0.5);
  });

describe('ParakeetEngine on the tiny export', () => {
  let engine: ParakeetEngine;
  beforeAll(async () => {
    engine = await ParakeetEngine.load(
      tinyModelDir('parakeet'),
      new OnnxSessionFactory(
        { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' },
        createLogger('test'),
      ),
    );
  });

  it('runs the TDT loop to the known text, with word times from frame indices and durations', async () => {
    const [result] = await engine.transcribeBatch([noise(1, 1)]);
    expect(result.text).toBe('the quick brown');
    expect(result.text).toBe(tinyParakeetText(1));
    // One piece per 4 encoder frames of 80 ms: the, qu+ick, brown (whose frames run to 1.28 s,
    // past the 1 s of audio: capped at its end).
    expect(result.words.map(({ word, start, end }) => ({ word, start, end }))).toEqual([
      { word: 'the', start: 0, end: 0.32 },
      { word: 'quick', start: 0.32, end: 0.96 },
      { word: 'brown', start: 0.96, end: 1 },
    ]);
    expect(result.confidence).toBeGreaterThan(0.9);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('decodes each batch item over its own length, not the padded batch length', async () => {
    const seconds = [2, 0.5, 1, 3.5];
    const results = await engine.transcribeBatch(seconds.map((s, i) => noise(s, i + 7)));
    expect(results.map((r) => r.text)).toEqual(seconds.map(tinyParakeetText));
    expect(results[1].text).toBe('the qu');
    expect(results[3].text).toBe('the quick brown fox jumps over a lazy dog');
  });

  it('decodes a batch exactly as one item at a time', async () => {
    const waveforms = [noise(2.2, 3), noise(0.7, 4), noise(3.9, 5)];
    const together = await engine.transcribeBatch(waveforms);
    for (const [i, waveform] of waveforms.entries()) {
      const [alone] = await engine.transcribeBatch([waveform]);
      const timing = (r: typeof alone) => r.words.map(({ word, start, end }) => [word, start, end]);
      expect(timing(together[i])).toEqual(timing(alone));
      // Batched float sums round differently (1e-13); items differ by far more than 1e-9, since
      // their audio reaches the random part of the joint.
      together[i].words.forEach((w, j) => expect(w.confidence).toBeCloseTo(alone.words[j].confidence, 9));
      expect(together[i].confidence).toBeCloseTo(alone.confidence, 9);
    }
    expect(new Set(together.map((r) => r.confidence.toFixed(9))).size).toBe(3);
  });

  it('gives an empty text and zero confidence for no audio at all', async () => {
    const [result] = await engine.transcribeBatch([new Float32Array(0)]);
    expect(result).toMatchObject({ text: '', words: [], confidence: 0 });
  });
});
