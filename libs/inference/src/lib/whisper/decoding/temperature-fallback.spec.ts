import { compressionRatio, isSilence, needsFallback } from './temperature-fallback';
import { FASTER_WHISPER_DECODING, GREEDY_DECODING } from './whisper-decoding-options';

describe('temperature fallback', () => {
  it("computes openai/whisper's compression ratio (figures from Python's zlib.compress)", () => {
    expect(compressionRatio('hello world from streamscribe café')).toBeCloseTo(35 / 43, 12);
    expect(compressionRatio('the cat '.repeat(20))).toBeCloseTo(160 / 19, 12);
    expect(compressionRatio('')).toBe(0);
  });

  const fine = { compressionRatio: 1.2, avgLogProb: -0.3, noSpeechProb: 0.01 };
  it.each([
    ['a fluent result', fine, false],
    ['a repetition loop', { ...fine, compressionRatio: 2.5 }, true],
    ['an improbable result', { ...fine, avgLogProb: -1.2 }, true],
    [
      'improbable silence (no retry: a hotter sample would invent words)',
      { ...fine, avgLogProb: -1.2, noSpeechProb: 0.7 },
      false,
    ],
    [
      'a loop over likely silence that is probable (retried)',
      { ...fine, compressionRatio: 2.5, noSpeechProb: 0.7 },
      true,
    ],
  ])('with the faster-whisper defaults, %s needs fallback: %s', (_, quality, expected) => {
    expect(needsFallback(quality, FASTER_WHISPER_DECODING)).toBe(expected);
  });

  it('never falls back, nor calls anything silence, without thresholds', () => {
    const awful = { compressionRatio: 9, avgLogProb: -5, noSpeechProb: 0.99 };
    expect(needsFallback(awful, GREEDY_DECODING)).toBe(false);
    expect(isSilence(awful, GREEDY_DECODING)).toBe(false);
  });

  it('calls a window silence only when <|nospeech|> is likely and the text improbable', () => {
    expect(isSilence({ ...fine, noSpeechProb: 0.7, avgLogProb: -1.2 }, FASTER_WHISPER_DECODING)).toBe(true);
    expect(isSilence({ ...fine, noSpeechProb: 0.7 }, FASTER_WHISPER_DECODING)).toBe(false);
    expect(isSilence({ ...fine, avgLogProb: -1.2 }, FASTER_WHISPER_DECODING)).toBe(false);
  });
});
