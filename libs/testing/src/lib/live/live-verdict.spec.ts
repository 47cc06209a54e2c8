import type { LiveClientResult } from './live-client-protocol';
import { failoverGap, judgeLiveFinals, percentiles } from './live-verdict';
import type { ScriptedWord } from './spoken-words';

const script: ScriptedWord[] = [
  { word: 'the', startMs: 500, durationMs: 300 },
  { word: 'order', startMs: 860, durationMs: 300 },
  { word: 'the', startMs: 1220, durationMs: 300 },
  { word: 'end', startMs: 3000, durationMs: 300 },
];

function final(words: Array<[string, number]>, isFinal = true): LiveClientResult {
  return {
    isFinal,
    speechFinal: false,
    fromFinalize: false,
    start: words[0]?.[1] ?? 0,
    duration: 0.3,
    transcript: words.map(([w]) => w).join(' '),
    words: words.map(([word, start]) => ({ word, start, end: start + 0.3 })),
  };
}

describe('judgeLiveFinals', () => {
  it('accepts every word once, in order, on time, across finals; ignores interims', () => {
    const v = judgeLiveFinals(
      script,
      [
        final([['the', 0.5]], false),
        final([
          ['the', 0.51],
          ['order', 0.86],
        ]),
        final([['the', 1.22]]),
        final([['end', 3]]),
      ],
      50,
    );
    expect(v.problems).toEqual([]);
    expect(v.matched).toBe(4);
    expect(v.maxStartErrorMs).toBeCloseTo(10);
  });

  it('finds missing, duplicated, unexpected, out-of-order and late words', () => {
    const v = judgeLiveFinals(
      script,
      [
        final([
          ['order', 0.86],
          ['the', 0.5],
        ]),
        final([['order', 0.87]]),
        final([['bogus', 1]]),
        final([['end', 3.2]]),
      ],
      50,
    );
    expect(v.missing).toEqual(['"the"@1.22s']);
    expect(v.duplicated).toEqual(['"order"@0.87s']);
    expect(v.unexpected).toEqual(['"bogus"@1.00s']);
    expect(v.outOfOrder).toEqual(['"the"@0.50s']);
    expect(v.offTime).toEqual(['"end"@3.20s (script 3.00s)']);
    expect(v.problems).toHaveLength(5);
  });
});

describe('percentiles and failoverGap', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentiles([5, 1, 4, 2, 3])).toEqual({ count: 5, p50: 3, p95: 5, max: 5 });
    expect(percentiles([])).toEqual({ count: 0, p50: 0, p95: 0, max: 0 });
  });

  it('measures from the fault to the first final with words after it', () => {
    const results = [
      { ...final([['the', 0.5]]), t: 1000, latencyMs: 40 },
      { ...final([]), t: 1500, latencyMs: 10 },
      { ...final([['order', 0.86]]), t: 2300, latencyMs: 900 },
    ];
    expect(failoverGap(results, 1200, 40)).toEqual({ gapMs: 1100, excessMs: 860, firstFinal: 'order' });
    expect(failoverGap(results, 2400, 40)).toBeUndefined();
  });
});
