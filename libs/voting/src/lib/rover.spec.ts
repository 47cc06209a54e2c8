import { Hypothesis, combineHypotheses } from './rover';

const h = (provider: string, text: string, confidence = 0.9): Hypothesis => ({ provider, text, confidence });

describe('combineHypotheses (ROVER)', () => {
  it('identical hypotheses agree fully', () => {
    const result = combineHypotheses([h('deepgram', 'the quick brown fox'), h('whisper', 'The quick brown fox.')]);
    expect(result).toMatchObject({ text: 'the quick brown fox', agreement: 1 });
  });

  it('the majority word wins a substitution, even against a more confident provider', () => {
    const result = combineHypotheses([h('deepgram', 'the quick brown fox', 0.6), h('whisper', 'the quick brown fox', 0.6), h('assemblyai', 'the quick crown fox', 0.99)]);
    expect(result.text).toBe('the quick brown fox');
    expect(result.agreement).toBeCloseTo((1 + 1 + 2 / 3 + 1) / 4);
    expect(result.columns[2]).toEqual({ words: { deepgram: 'brown', whisper: 'brown', assemblyai: 'crown' }, chosen: 'brown' });
  });

  it('aligns insertions and deletions before voting', () => {
    const result = combineHypotheses([h('a', 'please call stella'), h('b', 'please do call stella'), h('c', 'call stella')]);
    expect(result.text).toBe('please call stella');
    expect(result.columns.map((c) => c.words['b'])).toEqual(['please', 'do', 'call', 'stella']);
    expect(result.columns.map((c) => c.words['c'])).toEqual(['', '', 'call', 'stella']);
  });

  it('word confidences, normalized per hypothesis, break a tie', () => {
    const sure: Hypothesis = { provider: 'a', text: 'red car', confidence: 0.9, words: [{ word: 'red', confidence: 0.95 }, { word: 'car', confidence: 0.95 }] };
    const unsure: Hypothesis = { provider: 'b', text: 'bed car', confidence: 0.9, words: [{ word: 'bed', confidence: 0.3 }, { word: 'car', confidence: 0.95 }] };
    expect(combineHypotheses([unsure, sure]).text).toBe('red car');
    expect(combineHypotheses([sure, unsure]).text).toBe('red car');
  });

  it('a single hypothesis is its own consensus; none gives nothing', () => {
    expect(combineHypotheses([h('a', 'hello there')])).toMatchObject({ text: 'hello there', agreement: 1 });
    expect(combineHypotheses([])).toMatchObject({ text: '', agreement: 0 });
    expect(combineHypotheses([h('a', ''), h('b', '')])).toMatchObject({ text: '', agreement: 1 });
  });
});
