import { TINY_WHISPER_ALIGNED_WORDS, TINY_WHISPER_TEXT, tinyModelDir } from '@streamscribe/testing';
import { createLogger } from '@streamscribe/observability';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { FASTER_WHISPER_DECODING, GREEDY_DECODING } from './decoding/whisper-decoding-options';
import { WhisperEngine, WhisperWindow } from './whisper-engine';

// Several 30 s windows, some with 5 beams: seconds on a loaded 2-core runner.
jest.setTimeout(60_000);

const tone = (seconds: number, hz = 440) =>
  Float32Array.from(
    { length: Math.round(seconds * 16000) },
    (_, i) => 0.2 * Math.sin((2 * Math.PI * hz * i) / 16000),
  );
const window = (extra: Partial<WhisperWindow> = {}): WhisperWindow => ({
  samples: tone(2),
  offsetSeconds: 0,
  language: 'en',
  task: 'transcribe',
  timestamps: false,
  ...extra,
});
const times = (words: { word: string; start: number; end: number }[]) =>
  words.map(({ word, start, end }) => ({ word, start, end }));

describe('Whisper word times from the cross-attention alignment heads (timestamped tiny export)', () => {
  let engine: WhisperEngine;
  beforeAll(async () => {
    engine = await WhisperEngine.load(
      tinyModelDir('whisper-timestamped'),
      new OnnxSessionFactory(
        { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' },
        createLogger('test'),
      ),
    );
  });

  it('times each word where the alignment head attends, greedy or beam, with or without timestamps', async () => {
    const results = await engine.transcribeBatch([
      window(),
      window({ timestamps: true }),
      window({ decoding: { ...FASTER_WHISPER_DECODING, temperatures: [0] } }),
    ]);
    for (const result of results) {
      expect(result.text).toBe(TINY_WHISPER_TEXT);
      expect(times(result.words)).toEqual(TINY_WHISPER_ALIGNED_WORDS);
    }
  });

  it("offsets the times by the window's place in the chunk and keeps them inside the window", async () => {
    const [later, short] = await engine.transcribeBatch([
      window({ offsetSeconds: 30 }),
      window({ samples: tone(1.2, 300), decoding: GREEDY_DECODING }),
    ]);
    expect(times(later.words)).toEqual(
      TINY_WHISPER_ALIGNED_WORDS.map((w) => ({ ...w, start: w.start + 30, end: w.end + 30 })),
    );
    // 1.2 s of audio: the alignment only sees its 60 frames, and no word ends past 1.2 s.
    expect(Math.max(...short.words.map((w) => w.end))).toBeLessThanOrEqual(1.2);
    expect(short.words.map((w) => w.word)).toEqual(TINY_WHISPER_TEXT.split(' '));
  });
});
