import { ChunkFailure, TranscriptionResultEntry, chunkFailureForClient } from '@streamscribe/contracts';

/**
 * One message of a session's live feed (SSE or WebSocket).
 * - `result`: a chunk's result, in audio order; `id` is its seq, the resume point (`Last-Event-ID`).
 * - `gap`: earlier chunks' results (seqs `seq` through `through`) did not land within LIVE_HOLD_MS,
 *   so later ones go ahead of them; `id` is `through`. Should one land afterwards it comes as a
 *   `result` with `late: true`.
 * - `final`: every chunk of a finished session has its result; the feed ends.
 */
export type LiveEvent =
  | { event: 'result'; id?: string; data: LiveResult }
  | { event: 'gap'; id: string; data: { seq: number; through: number; heldMs: number } }
  | { event: 'final'; data: LiveSummary };

export interface LiveResult {
  seq?: number;
  chunkId: string;
  status: TranscriptionResultEntry['status'];
  text: string;
  confidence: number;
  provider: string;
  /**
   * Where the chunk starts in the session's audio, in seconds, when known at ingest; its `words`
   * are then on the session's clock. Absent: word times are from the chunk's start.
   */
  start?: number;
  words: TranscriptionResultEntry['words'];
  /** A failed chunk's stable code and short message, never the provider's text. */
  error?: ChunkFailure;
  /** Landed after its hold had timed out and later chunks had gone ahead. */
  late?: boolean;
  /** Replaces the chunk's earlier "failed" result (a re-drive, a hedge, a peer that finished it). */
  supersedes?: boolean;
  /** What the chunk cost, in USD (the writing worker's price table); absent when unpriced. */
  costUsd?: number;
}

export interface LiveSummary {
  sessionId: string;
  complete: true;
  chunkCount: number;
  failedCount: number;
  text: string;
}

export function liveResultOf(result: TranscriptionResultEntry, late = false): LiveResult {
  return {
    seq: result.seq,
    chunkId: result.chunkId,
    status: result.status,
    text: result.text,
    confidence: result.confidence,
    provider: result.provider,
    ...(result.offsetMs === undefined ? {} : { start: result.offsetMs / 1000 }),
    words: result.words,
    ...(result.status === 'failed' ? { error: chunkFailureForClient(result.error) } : {}),
    ...(result.costUsd === undefined ? {} : { costUsd: result.costUsd }),
    ...(late ? { late } : {}),
  };
}
