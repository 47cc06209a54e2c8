import type { ChunkFailure, ResultStatus, WordTiming } from '@streamscribe/contracts';
import type { CostTotals } from './cost-totals';

export type ChunkStatus = ResultStatus | 'pending';

export interface TranscriptChunk {
  seq?: number;
  chunkId: string;
  status: ChunkStatus;
  /** The provider the chunk was routed to, or the one that produced its result. */
  provider?: string;
  text?: string;
  confidence?: number;
  processingTime?: number;
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
  /** What the session's results cost, in total and per provider (kept with each result write). */
  cost: CostTotals;
}
