import type { ChunkFailure, ResultStatus, WordTiming } from '@streamscribe/contracts';
import type { CostTotals } from './cost-totals';

export type ChunkStatus = ResultStatus | 'pending';

export interface TranscriptChunk {
  seq?: number;
  chunkId: string;
  /**
   * Where the chunk starts and ends in the session's audio, in seconds (the session's clock);
   * absent while unknown (a live chunk whose predecessor has not arrived, a classic chunk).
   */
  start?: number;
  end?: number;
  status: ChunkStatus;
  /** The provider the chunk was routed to, or the one that produced its result. */
  provider?: string;
  text?: string;
  confidence?: number;
  processingTime?: number;
  /**
   * Word times in seconds on the session's clock (chunk start + the provider's time in the chunk)
   * wherever the chunk's start is known, else from the chunk's start. With `speakers:
   * 'distinct_per_chunk'` a word's `speaker` is renumbered so no two chunks share a number.
   */
  words?: WordTiming[];
  language?: string;
  durationSeconds?: number;
  /** The provider's model that produced the text. */
  model?: string;
  /** What this chunk cost, in USD (the price table of the worker that wrote it). */
  costUsd?: number;
  /** A failed chunk's stable code and short message; the recorded reason stays in logs and dead letters. */
  error?: ChunkFailure;
}

export interface Transcript {
  sessionId: string;
  /** Every accepted chunk has a result (and, for a whole file, every chunk was accepted). */
  complete: boolean;
  chunkCount: number;
  resultCount: number;
  failedCount: number;
  /** Chunks in audio order (by seq); chunks the classic producer wrote, without seq, come last. */
  chunks: TranscriptChunk[];
  /** The text of every transcribed chunk, in audio order, joined by spaces. */
  text: string;
  /**
   * A whole file's: sent to its provider `whole` or in `chunks`, and why (see FileSplit in
   * router-core). Absent for live sessions.
   */
  split?: { mode: string; reason?: string };
  /**
   * Present when words carry speaker labels. `whole_file`: one provider call labelled the whole
   * session, so a number is one voice throughout. `distinct_per_chunk`: labels come from separate
   * calls that cannot know each other's voices; each chunk's speakers got numbers of their own
   * (never reused by another chunk), so one person may appear under several numbers.
   */
  speakers?: 'whole_file' | 'distinct_per_chunk';
  /** What the session's results cost, in total and per provider (kept with each result write). */
  cost: CostTotals;
}
