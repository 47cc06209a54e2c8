import {
  TINY_WHISPER_BEAM_SEGMENT_END,
  TINY_WHISPER_GREEDY_SEGMENT_END,
  TINY_WHISPER_TEXT,
  tinyModelDir,
} from '@streamscribe/testing';
import { createLogger } from '@streamscribe/observability';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import {
  FASTER_WHISPER_DECODING,
  GREEDY_DECODING,
  WhisperDecodingOptions,
} from './decoding/whisper-decoding-options';
import { WhisperEngine, WhisperWindow, WindowResult } from './whisper-engine';

const tone = (seconds: number, hz = 440) =>
  Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) => 0.2 * Math.sin((2 * Math.PI * hz * i) / 16000),
  );
const window = (
  samples: Float32Array,
  decoding: WhisperDecodingOptions,
  extra: Partial<WhisperWindow> = {},
): WhisperWindow => ({
  samples,
  offsetSeconds: 0,
  language: 'en',
  task: 'transcribe',
  timestamps: true,
  decoding,
  ...extra,
});
const BEAM_ONLY: WhisperDecodingOptions = { ...FASTER_WHISPER_DECODING, temperatures: [0] };
const ends = (results: WindowResult[]) => results.map((r) => r.segments.map((s) => s.end));

// Each test decodes several 30 s windows with up to 5 beams: seconds on a loaded 2-core runner.
jest.setTimeout(60_000);

describe('Whisper decoding on the tiny export: beam search, temperature fallback, sampling', () => {
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

  it('beam search finds the likelier segment end that greedy decoding misses', async () => {
    const [greedy] = await engine.transcribeBatch([window(tone(2), GREEDY_DECODING)]);
    const [beam] = await engine.transcribeBatch([window(tone(2), BEAM_ONLY)]);
    expect(greedy.segments).toEqual([
      { start: 0, end: TINY_WHISPER_GREEDY_SEGMENT_END, text: TINY_WHISPER_TEXT },
    ]);
    expect(beam.segments).toEqual([
      { start: 0, end: TINY_WHISPER_BEAM_SEGMENT_END, text: TINY_WHISPER_TEXT },
    ]);
    // Same length, so the ranking is by summed log-probability alone: beam search's is higher.
    expect(beam.decoding.avgLogProb).toBeGreaterThan(greedy.decoding.avgLogProb + 0.01);
  });

  it('beam search agrees with greedy decoding where the likeliest path is the greedy one', async () => {
    const [greedy] = await engine.transcribeBatch([window(tone(2), GREEDY_DECODING, { timestamps: false })]);
    const [beam] = await engine.transcribeBatch([window(tone(2), BEAM_ONLY, { timestamps: false })]);
    expect(beam.text).toBe(TINY_WHISPER_TEXT);
    beam.logProbs.forEach((p, i) => expect(p).toBeCloseTo(greedy.logProbs[i], 6));
  });

  it('runs the beams of a whole batch together exactly as each window alone', async () => {
    const windows = [
      window(tone(2), BEAM_ONLY),
      window(tone(5, 300), BEAM_ONLY),
      window(tone(1, 500), { ...BEAM_ONLY, beamSize: 3 }),
      window(tone(3, 350), BEAM_ONLY, { timestamps: false }),
    ];
    const together = await engine.transcribeBatch(windows);
    const alone: WindowResult[] = [];
    for (const w of windows) alone.push(...(await engine.transcribeBatch([w])));
    expect(ends(together)).toEqual([
      [TINY_WHISPER_BEAM_SEGMENT_END],
      [TINY_WHISPER_BEAM_SEGMENT_END],
      [TINY_WHISPER_BEAM_SEGMENT_END],
      [3],
    ]);
    expect(ends(together)).toEqual(ends(alone));
    // The rows' log-probabilities differ by window (≥ 5e-6, see whisper-engine.spec), so a
    // mixed-up beam row would show.
    together.forEach((r, i) => r.logProbs.forEach((p, j) => expect(p).toBeCloseTo(alone[i].logProbs[j], 7)));
  });

  it('falls back to sampling when the greedy result is too improbable, and keeps the sample that passes', async () => {
    // Greedy's mean log-probability here is about -0.155, the likelier path's about -0.125.
    const decoding: WhisperDecodingOptions = {
      ...GREEDY_DECODING,
      temperatures: [0, 0.5],
      bestOf: 5,
      logProbThreshold: -0.14,
      seed: 1,
    };
    const [result] = await engine.transcribeBatch([window(tone(2), decoding)]);
    expect(result.decoding.temperature).toBe(0.5);
    expect(result.segments).toEqual([
      { start: 0, end: TINY_WHISPER_BEAM_SEGMENT_END, text: TINY_WHISPER_TEXT },
    ]);
    expect(result.decoding.avgLogProb).toBeGreaterThan(-0.14);
  });

  it('keeps the first pass when it passes the thresholds (no sampling at all)', async () => {
    const [result] = await engine.transcribeBatch([window(tone(2), FASTER_WHISPER_DECODING)]);
    expect(result.decoding).toMatchObject({ temperature: 0 });
    expect(result.decoding.compressionRatio).toBeLessThan(2.4);
    expect(result.segments.map((s) => s.end)).toEqual([TINY_WHISPER_BEAM_SEGMENT_END]);
  });

  it('drops the text of a window judged silence (<|nospeech|> likely and the text improbable)', async () => {
    const silent = { ...FASTER_WHISPER_DECODING, logProbThreshold: -0.01, noSpeechThreshold: 1e-6 };
    const [result] = await engine.transcribeBatch([window(tone(2), silent)]);
    expect(result).toMatchObject({ text: '', segments: [], words: [] });
    expect(result.decoding.temperature).toBe(0);
    expect(result.decoding.noSpeechProb).toBeGreaterThan(1e-6);
  });

  it('samples reproducibly from its seed, whatever else is in the batch', async () => {
    // At temperature 3 the tiny model's bias no longer dominates: samples wander off the text.
    const hot = (seed: number): WhisperDecodingOptions => ({
      ...GREEDY_DECODING,
      temperatures: [3],
      bestOf: 2,
      seed,
    });
    const [first] = await engine.transcribeBatch([window(tone(2), hot(7), { timestamps: false })]);
    const [again, other] = await engine.transcribeBatch([
      window(tone(2), hot(7), { timestamps: false }),
      window(tone(4, 300), hot(7), { timestamps: false }),
    ]);
    const [reseeded] = await engine.transcribeBatch([window(tone(2), hot(8), { timestamps: false })]);
    expect(first.text).not.toBe(TINY_WHISPER_TEXT);
    expect(again.text).toBe(first.text);
    expect(again.logProbs).toEqual(first.logProbs);
    expect(reseeded.text).not.toBe(first.text);
    expect(other.decoding.temperature).toBe(3);
  });
});
