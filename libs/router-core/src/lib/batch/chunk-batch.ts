import type { HttpException } from '@nestjs/common';
import type { AudioDescription } from '@streamscribe/audio';
import { errorCodeForStatus } from '@streamscribe/contracts';
import type { ProviderName } from '@streamscribe/contracts';
import type { ChunkBatchHeader } from './chunk-batch-body';

/** A chunk of a batch whose header and audio passed every check: ready to be queued. */
export interface BatchChunkAudio {
  index: number;
  header: ChunkBatchHeader;
  /** The audio as the single endpoint would hold it (decoded PCM for compressed types). */
  body: Buffer;
  audio: AudioDescription;
}

/** What became of one chunk of a batch, in the body's order (`index` is its place there). */
export type ChunkBatchResult =
  | {
      index: number;
      /** accepted: queued now; duplicate: this chunk id was accepted before, nothing queued again. */
      status: 'accepted' | 'duplicate';
      chunkId: string;
      seq: number;
      entryId: string;
      provider: ProviderName | 'consensus';
    }
  | {
      index: number;
      status: 'rejected';
      /** Stable, as the single endpoint's error codes: `chunk_invalid`, `audio_*`, `seq_taken` … */
      code: string;
      message: string;
      chunkId?: string;
    };

export interface ChunkBatchAccepted {
  sessionId: string;
  /** Where the batch's chunks went; null when none was queued. */
  provider: ProviderName | null;
  accepted: number;
  duplicates: number;
  rejected: number;
  chunks: ChunkBatchResult[];
}

/**
 * The answer's status: 200 when every chunk is accepted (new or duplicate), 207 when any chunk was
 * rejected (the others were still queued; `chunks` says which). A refusal of the whole batch
 * (auth, quota, malformed body, routing) is a 4xx/5xx error and queues nothing.
 */
export function chunkBatchStatus(answer: ChunkBatchAccepted): 200 | 207 {
  return answer.rejected > 0 ? 207 : 200;
}

/** The per-chunk result of a chunk refused before Redis, from its HTTP error. */
export function rejectedChunk(index: number, error: HttpException, chunkId?: string): ChunkBatchResult {
  const response = error.getResponse();
  const body = (typeof response === 'object' && response !== null ? response : {}) as {
    code?: string;
    message?: string | string[];
  };
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return {
    index,
    status: 'rejected',
    code: body.code ?? errorCodeForStatus(error.getStatus()),
    message: message ?? error.message,
    ...(chunkId ? { chunkId } : {}),
  };
}
