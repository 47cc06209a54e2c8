import type { WordTiming } from '@streamscribe/contracts';

/** What reconciling overlaps needs of a transcript chunk: its place on the session's clock and its words. */
export interface PlacedChunk {
  status: string;
  /** Start and end in the session's audio, in seconds. */
  start?: number;
  end?: number;
  /** On the session's clock. */
  words?: WordTiming[];
  text?: string;
}

/**
 * Keeps each word of an overlap once. Where a chunk starts before the one ahead of it ends (a cut
 * forced inside speech: both chunks hold the audio around the cut), the middle of the overlap is
 * the boundary: the earlier chunk keeps the words whose middle lies before it, the later chunk the
 * words whose middle lies at or after it. A word under the cut is whole in both chunks (the overlap
 * is longer than a word), so it is kept once, from one of them; a word the chunk's edge cut off
 * lies outside the kept half. A chunk that lost words gets its text rebuilt from the words it kept.
 *
 * `ordered` is in audio order, times on the session's clock; chunks without a place or words are
 * left as they are (their text cannot be reconciled). Changes the chunks in place.
 */
export function reconcileOverlaps(ordered: PlacedChunk[]): void {
  const placed = ordered.filter((c) => c.status === 'ok' && c.start !== undefined && c.end !== undefined);
  for (let i = 1; i < placed.length; i++) {
    const before = placed[i - 1];
    const after = placed[i];
    const overlapStart = after.start as number;
    const overlapEnd = before.end as number;
    // Only a successor that starts inside its predecessor's end: not chunks of the same audio
    // (consensus hypotheses), nor one that holds the other.
    const shortest = Math.min(overlapEnd - (before.start as number), (after.end as number) - overlapStart);
    if (!(overlapEnd > overlapStart && overlapEnd - overlapStart < shortest / 2)) continue;
    const boundary = (overlapStart + overlapEnd) / 2;
    keepWords(before, (w) => middle(w) < boundary);
    keepWords(after, (w) => middle(w) >= boundary);
  }
}

function middle(word: WordTiming): number {
  return (word.start + word.end) / 2;
}

function keepWords(chunk: PlacedChunk, keep: (word: WordTiming) => boolean): void {
  if (!chunk.words) return;
  const kept = chunk.words.filter(keep);
  if (kept.length === chunk.words.length) return;
  chunk.words = kept;
  chunk.text = kept.map((w) => w.word).join(' ');
}
