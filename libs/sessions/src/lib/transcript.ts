import type { ResultStatus, WordTiming } from '@streamscribe/contracts';

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
  error?: string;
}

export interface Transcript {
  sessionId: string;
  /** Every accepted chunk has a result (and, for a whole file, every chunk was accepted). */
  complete: boolean;
  chunkCount: number;
  resultCount: number;
  failedCount: number;
  /** Chunks in audio order (by seq); chunks the seed's producer wrote, without seq, come last. */
  chunks: TranscriptChunk[];
  /** The text of every transcribed chunk, in audio order, joined by spaces. */
  text: string;
}
