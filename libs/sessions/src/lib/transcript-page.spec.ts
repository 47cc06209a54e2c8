import { TRANSCRIPT_PAGE_MAX } from '@streamscribe/contracts';
import type { Transcript, TranscriptChunk } from './transcript';
import { TranscriptPage, pagedTranscript } from './transcript-page';

const chunk = (seq: number | undefined, id = `c${seq}`): TranscriptChunk => ({
  chunkId: id,
  seq,
  status: 'ok',
  text: `w${seq ?? id}`,
});
const transcript = (chunks: TranscriptChunk[]): Transcript => ({
  sessionId: 's',
  complete: true,
  chunkCount: chunks.length,
  resultCount: chunks.length,
  failedCount: 0,
  chunks,
  text: chunks.map((c) => c.text).join(' '),
  cost: { totalUsd: 0, byProvider: {} } as unknown as Transcript['cost'],
});

describe('pagedTranscript', () => {
  it('answers a small session whole, in its old shape, when no page is asked for', () => {
    const whole = transcript([chunk(0), chunk(1)]);
    expect(pagedTranscript(whole, {})).toBe(whole);
  });

  it('walks every chunk once, in order, by following next (sparse seqs, then chunks without seq)', () => {
    const chunks = [
      chunk(0),
      chunk(2),
      chunk(7),
      chunk(2 ** 31),
      chunk(undefined, 'x'),
      chunk(undefined, 'y'),
    ];
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = pagedTranscript(transcript(chunks), { after, limit: 2 }) as TranscriptPage;
      seen.push(...page.chunks.map((c) => c.chunkId));
      expect(page.chunkCount).toBe(6); // whole-session counts
      expect(page.text).toBe(page.chunks.map((c) => c.text).join(' '));
      if (page.page.next === null) break;
      after = page.page.next;
    }
    expect(seen).toEqual(chunks.map((c) => c.chunkId));
    const fromSeq = pagedTranscript(transcript(chunks), { after: '2' }) as TranscriptPage;
    expect(fromSeq.chunks.map((c) => c.chunkId)).toEqual(['c7', `c${2 ** 31}`, 'x', 'y']);
    expect(fromSeq.page).toEqual({ after: '2', limit: 100, next: null });
  });

  it('pages a large session even when no page is asked for', () => {
    const chunks = Array.from({ length: TRANSCRIPT_PAGE_MAX + 5 }, (_, seq) => chunk(seq));
    const first = pagedTranscript(transcript(chunks), {}) as TranscriptPage;
    expect(first.chunks).toHaveLength(TRANSCRIPT_PAGE_MAX);
    expect(first.page.next).toBe(String(TRANSCRIPT_PAGE_MAX - 1));
  });
});
