import { Hypothesis, combineHypotheses } from './rover';

const h = (provider: string, text: string, confidence = 0.9): Hypothesis => ({ provider, text, confidence });
const scored = (provider: string, words: Array<[string, number]>): Hypothesis => ({
  provider,
  text: words.map(([w]) => w).join(' '),
  confidence: 0.9,
  words: words.map(([word, confidence]) => ({ word, confidence })),
});

describe('combineHypotheses (ROVER)', () => {
  it('identical hypotheses agree fully', () => {
    const result = combineHypotheses([
      h('deepgram', 'the quick brown fox'),
      h('whisper', 'The quick brown fox.'),
    ]);
    expect(result).toMatchObject({ text: 'the quick brown fox', agreement: 1 });
  });

  it('the majority word wins a substitution, even against a more confident provider', () => {
    const result = combineHypotheses([
      h('deepgram', 'the quick brown fox', 0.6),
      h('whisper', 'the quick brown fox', 0.6),
      h('assemblyai', 'the quick crown fox', 0.99),
    ]);
    expect(result.text).toBe('the quick brown fox');
    expect(result.agreement).toBeCloseTo((1 + 1 + 2 / 3 + 1) / 4);
    expect(result.columns[2]).toEqual({
      words: { deepgram: 'brown', whisper: 'brown', assemblyai: 'crown' },
      chosen: 'brown',
    });
  });

  it('aligns insertions and deletions before voting', () => {
    const result = combineHypotheses([
      h('a', 'please call stella'),
      h('b', 'please do call stella'),
      h('c', 'call stella'),
    ]);
    expect(result.text).toBe('please call stella');
    expect(result.columns.map((c) => c.words['b'])).toEqual(['please', 'do', 'call', 'stella']);
    expect(result.columns.map((c) => c.words['c'])).toEqual(['', '', 'call', 'stella']);
  });

  it("keeps a shifted word in one column (SCTK's costs: substitution 4, insertion or deletion 3)", () => {
    // With every edit costing 1, two substitutions tie with insert + match + delete, and "gets"
    // would land in two columns: the vote then writes it twice.
    const result = combineHypotheses([h('a', 'we gets'), h('b', 'gets it')]);
    expect(result.columns.map((c) => [c.words['a'], c.words['b']])).toEqual([
      ['we', ''],
      ['gets', 'gets'],
      ['', 'it'],
    ]);
    expect(result.text).toBe('we gets it');
  });

  it('a later hypothesis fills a column where an earlier one said nothing (word for nothing costs 1)', () => {
    const result = combineHypotheses(
      [h('a', 'call stella'), h('b', 'please call stella'), h('c', 'please call stella')],
      { providerOrder: ['a', 'b', 'c'] },
    );
    expect(result.columns.map((c) => [c.words['a'], c.words['b'], c.words['c']])).toEqual([
      ['', 'please', 'please'],
      ['call', 'call', 'call'],
      ['stella', 'stella', 'stella'],
    ]);
    expect(result.text).toBe('please call stella');
  });

  it('word confidences, normalized per hypothesis, break a tie', () => {
    const sure = scored('a', [
      ['red', 0.95],
      ['car', 0.95],
    ]);
    const unsure = scored('b', [
      ['bed', 0.3],
      ['car', 0.95],
    ]);
    expect(combineHypotheses([unsure, sure]).text).toBe('red car');
    expect(combineHypotheses([sure, unsure]).text).toBe('red car');
  });

  it('an empty answer is left out of the vote while another provider has words', () => {
    const result = combineHypotheses([h('a', ''), h('b', 'hello there')]);
    expect(result).toMatchObject({ text: 'hello there', agreement: 1 });
    expect(result.columns[0].words).toEqual({ b: 'hello' });
  });

  it('two providers without word confidences never vote their words away', () => {
    expect(combineHypotheses([h('a', 'the big cat'), h('b', 'the cat')]).text).toBe('the big cat');
    expect(combineHypotheses([h('a', 'the big cat'), h('b', 'the cat')], { nullConfidence: 0.5 }).text).toBe(
      'the big cat',
    );
  });

  it('ties go to the higher confidence sum, then to the configured provider order, never to arrival order', () => {
    const tied = [h('deepgram', 'the cat'), h('whisper', 'the hat')];
    expect(combineHypotheses(tied, { providerOrder: ['whisper', 'deepgram'] }).text).toBe('the hat');
    expect(combineHypotheses([...tied].reverse(), { providerOrder: ['whisper', 'deepgram'] }).text).toBe(
      'the hat',
    );
    expect(combineHypotheses(tied).text).toBe(combineHypotheses([...tied].reverse()).text);
    // Votes tied 2–2 (alpha 1): the pair with more confidence wins whoever is listed first.
    const four = [
      scored('a', [
        ['red', 0.5],
        ['car', 0.9],
      ]),
      scored('b', [
        ['red', 0.5],
        ['car', 0.9],
      ]),
      scored('c', [
        ['bed', 0.9],
        ['car', 0.9],
      ]),
      scored('d', [
        ['bed', 0.9],
        ['car', 0.9],
      ]),
    ];
    expect(combineHypotheses(four, { alpha: 1, providerOrder: ['a', 'b', 'c', 'd'] }).text).toBe('bed car');
  });

  it('sctk mode breaks ties as rover does: the first word in the column', () => {
    const tied = [h('deepgram', 'the cat'), h('whisper', 'the hat')];
    expect(combineHypotheses(tied, { mode: 'sctk' }).text).toBe('the cat');
    expect(combineHypotheses([...tied].reverse(), { mode: 'sctk' }).text).toBe('the hat');
  });

  it('sctk mode: "nothing" scores the null confidence, so at -c 0 a lone word beats one silence', () => {
    const pair = [
      scored('a', [
        ['hello', 0.2],
        ['there', 0.9],
      ]),
      scored('b', [['there', 0.9]]),
    ];
    expect(combineHypotheses(pair, { mode: 'sctk', alpha: 0.5, nullConfidence: 0 }).text).toBe('hello there');
    expect(combineHypotheses(pair, { mode: 'sctk', alpha: 0.5, nullConfidence: 0.5 }).text).toBe('there');
  });

  it('a single hypothesis is its own consensus; none gives nothing', () => {
    expect(combineHypotheses([h('a', 'hello there')])).toMatchObject({ text: 'hello there', agreement: 1 });
    expect(combineHypotheses([])).toMatchObject({ text: '', agreement: 0 });
    expect(combineHypotheses([h('a', ''), h('b', '')])).toMatchObject({ text: '', agreement: 1 });
  });
});
