import { SpeechSegmenter, spansOfFrames } from './speech-segmenter';
import type { VadFrame } from './vad-frame';

/** One 32 ms frame per probability, from 0 ms. */
function frames(...probabilities: number[]): VadFrame[] {
  return probabilities.map((probability, i) => ({ startMs: i * 32, endMs: (i + 1) * 32, probability }));
}
const run = (p: number, n: number) => Array<number>(n).fill(p);

describe('SpeechSegmenter', () => {
  const noPad = { speechPadMs: 0, minSpeechMs: 64, minSilenceMs: 96 };

  it('starts at threshold and ends after minSilenceMs below negThreshold', () => {
    const spans = spansOfFrames(frames(...run(0, 3), ...run(0.9, 5), ...run(0.1, 4), ...run(0, 2)), noPad);
    expect(spans).toEqual([{ startMs: 96, endMs: 256 }]);
  });

  it('keeps a segment open through frames between the two thresholds (hysteresis)', () => {
    const spans = spansOfFrames(frames(...run(0.9, 3), ...run(0.4, 6), ...run(0.9, 2), ...run(0, 4)), noPad);
    expect(spans).toEqual([{ startMs: 0, endMs: 352 }]);
  });

  it('does not start on frames between the thresholds', () => {
    expect(spansOfFrames(frames(...run(0.45, 20)), noPad)).toEqual([]);
  });

  it('bridges pauses shorter than minSilenceMs and splits at longer ones', () => {
    const spans = spansOfFrames(
      frames(...run(0.9, 3), ...run(0, 2), ...run(0.9, 3), ...run(0, 4), ...run(0.9, 3), ...run(0, 4)),
      noPad,
    );
    expect(spans).toEqual([
      { startMs: 0, endMs: 256 },
      { startMs: 384, endMs: 480 },
    ]);
  });

  it('drops segments shorter than minSpeechMs', () => {
    expect(spansOfFrames(frames(0, 0.9, ...run(0, 5)), noPad)).toEqual([]);
  });

  it('pads both sides, never before 0 nor over the previous segment', () => {
    const spans = spansOfFrames(frames(...run(0.9, 3), ...run(0, 3), ...run(0.9, 3), ...run(0, 6)), {
      ...noPad,
      speechPadMs: 60,
    });
    expect(spans).toEqual([
      { startMs: 0, endMs: 156 },
      { startMs: 156, endMs: 348 },
    ]);
  });

  it('announces speech_start once the segment is minSpeechMs long, speech_end after the silence', () => {
    const segmenter = new SpeechSegmenter(noPad);
    const all = frames(...run(0, 2), ...run(0.9, 4), ...run(0, 4));
    expect(segmenter.push(all.slice(0, 3))).toEqual([]);
    expect(segmenter.inSpeech).toBe(true);
    expect(segmenter.speaking).toBe(false);
    expect(segmenter.push(all.slice(3, 4))).toEqual([{ type: 'speech_start', startMs: 64 }]);
    expect(segmenter.speaking).toBe(true);
    expect(segmenter.push(all.slice(4, 8))).toEqual([]);
    expect(segmenter.silenceMs).toBe(64);
    expect(segmenter.push(all.slice(8))).toEqual([{ type: 'speech_end', startMs: 64, endMs: 192 }]);
    expect(segmenter.inSpeech).toBe(false);
    expect(segmenter.silenceMs).toBe(128);
  });

  it('closes an open segment on flush, padding no further than the audio', () => {
    const segmenter = new SpeechSegmenter({ ...noPad, speechPadMs: 100 });
    segmenter.push(frames(...run(0, 2), ...run(0.9, 4)));
    expect(segmenter.flush()).toEqual([{ type: 'speech_end', startMs: 0, endMs: 192 }]);
  });

  it('says which option is wrong', () => {
    expect(() => new SpeechSegmenter({ threshold: 1.5 })).toThrow(/threshold must be in/);
    expect(() => new SpeechSegmenter({ threshold: 0.5, negThreshold: 0.6 })).toThrow(/negThreshold/);
    expect(() => new SpeechSegmenter({ minSilenceMs: -1 })).toThrow(/minSilenceMs/);
  });
});
