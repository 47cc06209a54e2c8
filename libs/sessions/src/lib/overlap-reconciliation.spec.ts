import { PlacedChunk, reconcileOverlaps } from './overlap-reconciliation';

const word = (text: string, start: number, end = start + 0.3) => ({ word: text, start, end, confidence: 1 });

describe('reconcileOverlaps', () => {
  it('keeps each word of a forced cut’s overlap once: before the overlap’s middle from the earlier chunk, after it from the later', () => {
    // Cut at 30 s with 1 s each side: chunk 0 holds 0..31, chunk 1 holds 29..50.
    const chunks: PlacedChunk[] = [
      {
        status: 'ok',
        start: 0,
        end: 31,
        text: 'a b c d e',
        words: [word('a', 28.2), word('b', 29.5), word('c', 29.9), word('d', 30.4), word('e', 30.8, 31)],
      },
      {
        status: 'ok',
        start: 29,
        end: 50,
        text: 'x b c d e f',
        words: [
          word('x', 29, 29.1),
          word('b', 29.5),
          word('c', 29.9),
          word('d', 30.4),
          word('e', 30.8),
          word('f', 31.5),
        ],
      },
    ];
    reconcileOverlaps(chunks);
    expect(chunks[0].words?.map((w) => w.word)).toEqual(['a', 'b']);
    expect(chunks[1].words?.map((w) => w.word)).toEqual(['c', 'd', 'e', 'f']);
    expect(chunks.map((c) => c.text)).toEqual(['a b', 'c d e f']);
  });

  it('leaves chunks that only touch (cuts at pauses), chunks of the same audio, unplaced and failed ones as they are', () => {
    const chunks: PlacedChunk[] = [
      { status: 'ok', start: 0, end: 29.6, text: 'a', words: [word('a', 29)] },
      { status: 'ok', start: 29.6, end: 55, text: 'b', words: [word('b', 29.7)] },
      { status: 'failed', start: 54, end: 70 },
      { status: 'ok', text: 'c', words: [word('c', 1)] },
      // Hypotheses of the same audio (consensus): not an overlap between successive chunks.
      { status: 'ok', start: 80, end: 82, text: 'd', words: [word('d', 81)] },
      { status: 'ok', start: 80, end: 82, text: 'd', words: [word('d', 81)] },
    ];
    const before = JSON.parse(JSON.stringify(chunks));
    reconcileOverlaps(chunks);
    expect(chunks).toEqual(before);
  });
});
