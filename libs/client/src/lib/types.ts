/** The router's JSON shapes the SDK hands back (kept here: the SDK depends on nothing of ours). */

export interface WordTiming {
  word: string;
  start: number;
  end: number;
  confidence?: number;
  punctuatedWord?: string;
  speaker?: number;
}

export interface TranscriptChunk {
  seq?: number;
  chunkId: string;
  start?: number;
  end?: number;
  status: string;
  provider?: string;
  text?: string;
  confidence?: number;
  words?: WordTiming[];
  language?: string;
  durationSeconds?: number;
  model?: string;
  cost?: number;
  [extra: string]: unknown;
}

export interface Transcript {
  sessionId: string;
  complete: boolean;
  chunkCount: number;
  resultCount: number;
  failedCount: number;
  chunks: TranscriptChunk[];
  text: string;
  split?: { mode: string; reason?: string };
  speakers?: 'whole_file' | 'distinct_per_chunk';
  cost?: { total?: number; [provider: string]: unknown };
  page?: { after: string | null; limit: number; next: string | null };
  [extra: string]: unknown;
}

export type TranscriptFormat = 'json' | 'srt' | 'vtt' | 'text';

export interface ChunkAccepted {
  sessionId: string;
  chunkId: string;
  seq: number;
  provider: string;
  entryId: string;
  /** This chunk id had been accepted before (a retry): nothing new was queued. */
  duplicate: boolean;
}

/** What became of one chunk of a batch (`index`: its place in the batch). */
export interface ChunkBatchResult {
  index: number;
  status: 'accepted' | 'duplicate' | 'rejected';
  chunkId?: string;
  seq?: number;
  entryId?: string;
  provider?: string;
  /** rejected: why (`chunk_invalid`, `audio_*`, `seq_taken` …) */
  code?: string;
  message?: string;
}

/** The answer of a batch: 200 when every chunk was accepted, 207 when some were rejected. */
export interface ChunkBatchAccepted {
  sessionId: string;
  provider: string | null;
  accepted: number;
  duplicates: number;
  rejected: number;
  chunks: ChunkBatchResult[];
}

/** Routing hints every upload accepts (the router's query parameters). */
export interface RoutingOptions {
  provider?: string;
  fallback?: string | string[];
  language?: string;
  diarize?: boolean;
  keywords?: string | string[];
  wordTimestamps?: boolean;
  realTimeRequired?: boolean;
  accuracyCritical?: boolean;
  costSensitive?: boolean;
  hedge?: boolean;
  consensus?: string | string[];
  consensusTimeoutMs?: number;
}

export interface ApiKeyView {
  id: string;
  tenant: string;
  name?: string;
  scopes: string[];
  createdAt?: string;
  expiresAt?: string | null;
  revokedAt?: string | null;
  [extra: string]: unknown;
}

/** A created or rotated key: `key` is the secret, shown this once. */
export interface ApiKeyWithSecret extends ApiKeyView {
  key: string;
}

export interface DeadLetter {
  /** Pass to `get` and `redrive`: the entry id, `<entry id>@<partition>` when the fabric has several. */
  id: string;
  /** The partition whose dead-letter stream holds it, when the fabric has several. */
  partition?: number;
  reason: string;
  tenant?: string;
  sessionId?: string;
  chunkId?: string;
  seq?: number;
  failedProvider?: string;
  originalProvider?: string;
  deadLetteredAt?: number;
  redriveCount: number;
  redrivable: boolean;
  [field: string]: unknown;
}
