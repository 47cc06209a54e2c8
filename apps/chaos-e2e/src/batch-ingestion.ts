import { CHUNK_BATCH_MEDIA_TYPE, encodeChunkBatch } from '@streamscribe/client';
import { KEYED, speechWav } from '@streamscribe/testing';
import { AcceptedChunk } from './chaos-verdict';
import { retryPauseMs } from './retry-pause';

/** A chunk of the run with its seq in its session. */
export interface PlannedChunk {
  /** Its place in the run (what the single poster calls `i`). */
  i: number;
  chunk: AcceptedChunk;
  seq: number;
}

/**
 * The run's chunks as batches for `POST /v1/sessions/{id}/chunks/batch`: the same chunks, ids and
 * seqs as the single poster sends, grouped `size` consecutive seqs of one session per batch, in
 * about the order the single poster would send them.
 */
export function batchPlan(
  chunks: number,
  sessions: number,
  size: number,
  chunkOf: (i: number) => AcceptedChunk,
): PlannedChunk[][] {
  const bySession = new Map<string, PlannedChunk[]>();
  const batches: PlannedChunk[][] = [];
  for (let i = 0; i < chunks; i++) {
    const planned = { i, chunk: chunkOf(i), seq: Math.floor(i / sessions) };
    const batch = bySession.get(planned.chunk.sessionId) ?? [];
    bySession.set(planned.chunk.sessionId, batch);
    batch.push(planned);
    if (batch.length === size) {
      batches.push(batch);
      bySession.delete(planned.chunk.sessionId);
    }
  }
  batches.push(...bySession.values());
  return batches;
}

/**
 * Posts a batch, retrying 503s and connection errors with the same chunk ids: the chunks a failed
 * attempt did queue come back `duplicate` on the retry, never queued twice. Anything but 200 with
 * every chunk accepted or duplicate (a 207 included) ends the run: the chaos run's chunks are valid.
 */
export class BatchIngestion {
  retries = 0;
  readonly retryReasons = new Map<string, number>();

  constructor(
    private readonly base: string,
    private readonly reasonOf: (detail: string) => string,
  ) {}

  async post(batch: readonly PlannedChunk[]): Promise<void> {
    const { sessionId } = batch[0].chunk;
    const url = `${this.base}/v1/sessions/${sessionId}/chunks/batch?provider=deepgram&fallback=assemblyai,deepgram`;
    const body = encodeChunkBatch(
      batch.map(({ chunk, seq }) => ({ audio: speechWav(chunk.text), chunkId: chunk.chunkId, seq })),
    );
    for (;;) {
      let status: number;
      let detail = '';
      let retryAfter: string | null = null;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': CHUNK_BATCH_MEDIA_TYPE, ...KEYED },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        detail = await response.text();
        retryAfter = response.headers.get('retry-after');
      } catch (error) {
        status = 0;
        detail = (error as Error).message;
      }
      if (status === 200) return;
      const pause = retryPauseMs(status, detail, retryAfter);
      if (pause === undefined)
        throw new Error(`router refused the batch of ${sessionId} with ${status}: ${detail.slice(0, 500)}`);
      this.retries += 1;
      const reason = `${status || 'no connection'}: ${this.reasonOf(detail)}`;
      this.retryReasons.set(reason, (this.retryReasons.get(reason) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
