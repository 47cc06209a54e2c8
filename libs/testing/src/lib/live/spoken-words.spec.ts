import { SpokenWordDetector, spokenScript } from './spoken-words';

describe('spoken words (live test speech)', () => {
  const script = spokenScript([
    { words: ['hello', 'there'], startMs: 200 },
    { words: ['général', 'kenobi'], startMs: 2000 },
  ]);

  it('finds every word where the script put it, however the stream is cut', () => {
    for (const piece of [1, 3, 7, 3200, 3201, script.pcm.length]) {
      const detector = new SpokenWordDetector();
      const found = [];
      for (let at = 0; at < script.pcm.length; at += piece)
        found.push(...detector.push(script.pcm.subarray(at, at + piece)));
      expect(found.map((w) => w.word)).toEqual(['hello', 'there', 'général', 'kenobi']);
      found.forEach((w, i) => {
        expect(w.startMs).toBeCloseTo(script.words[i].startMs, 3);
        expect(w.endMs - w.startMs).toBe(script.words[i].durationMs);
      });
    }
  });

  it('counts positions from the first byte it was given (a replay from the middle)', () => {
    const from = 1000 * 32; // 1 s in
    const found = new SpokenWordDetector().push(script.pcm.subarray(from));
    expect(found.map((w) => [w.word, Math.round(w.startMs)])).toEqual([
      ['général', 1000],
      ['kenobi', 1360],
    ]);
  });

  it('refuses overlapping words', () => {
    expect(() =>
      spokenScript([
        { words: ['a', 'b'], startMs: 0 },
        { words: ['c'], startMs: 100 },
      ]),
    ).toThrow(/overlaps/);
  });
});
