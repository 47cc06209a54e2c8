import { TRANSCRIPT_PAGE_DEFAULT, TRANSCRIPT_PAGE_MAX } from '@streamscribe/contracts';
import type { Transcript, TranscriptChunk } from './transcript';

/** One page of a transcript: whole-session counts and cost, the page's chunks and their text. */
export interface TranscriptPage extends Transcript {
  page: {
    /** The cursor this page starts after (null: the start). */
    after: string | null;
    limit: number;
    /** Pass as `after` for the next page; null on the last page. */
    next: string | null;
  };
}

/**
 * What `GET …/transcript` answers. Without `after` and `limit`, a session of up to
 * TRANSCRIPT_PAGE_MAX chunks comes whole, in the shape it always had; a larger one comes as its
 * first page of TRANSCRIPT_PAGE_MAX chunks, with `page.next`. With either, a page: chunks after
 * the cursor (a seq; chunks without seq come last, as `~<chunkId>`), `limit` of them
 * (TRANSCRIPT_PAGE_DEFAULT when not given).
 */
export function pagedTranscript(
  transcript: Transcript,
  query: { after?: string; limit?: number },
): Transcript | TranscriptPage {
  const { after, limit } = query;
  if (after === undefined && limit === undefined) {
    if (transcript.chunks.length <= TRANSCRIPT_PAGE_MAX) return transcript;
    return pageOf(transcript, undefined, TRANSCRIPT_PAGE_MAX);
  }
  return pageOf(transcript, after, Math.min(limit ?? TRANSCRIPT_PAGE_DEFAULT, TRANSCRIPT_PAGE_MAX));
}

function pageOf(transcript: Transcript, after: string | undefined, limit: number): TranscriptPage {
  const start = after === undefined ? 0 : firstAfter(transcript.chunks, after);
  const chunks = transcript.chunks.slice(start, start + limit);
  const more = start + chunks.length < transcript.chunks.length;
  return {
    ...transcript,
    chunks,
    text: chunks
      .filter((c) => c.status === 'ok' && c.text)
      .map((c) => (c.text as string).trim())
      .join(' '),
    page: {
      after: after ?? null,
      limit,
      next: more && chunks.length > 0 ? cursorOf(chunks[chunks.length - 1]) : null,
    },
  };
}

function cursorOf(chunk: TranscriptChunk): string {
  return chunk.seq === undefined ? `~${chunk.chunkId}` : String(chunk.seq);
}

/** Index of the first chunk after the cursor, in the transcript's order (seq, then unsequenced by id). */
function firstAfter(chunks: readonly TranscriptChunk[], after: string): number {
  const index = after.startsWith('~')
    ? chunks.findIndex((c) => c.seq === undefined && c.chunkId.localeCompare(after.slice(1)) > 0)
    : chunks.findIndex((c) => c.seq === undefined || c.seq > Number(after));
  return index < 0 ? chunks.length : index;
}
