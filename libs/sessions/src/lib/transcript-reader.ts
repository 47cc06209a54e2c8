import type Redis from 'ioredis';
import {
  KeyScheme,
  SessionRef,
  TranscriptionResultEntry,
  chunkFailureForClient,
  decodeResultEntry,
  resultSupersedes,
  fieldsFromFlat,
} from '@streamscribe/contracts';
import { costTotalsFrom } from './cost-totals';
import { Transcript, TranscriptChunk } from './transcript';

/**
 * Assembles a session's transcript in audio order (by seq), whatever order results finished in.
 * One round trip: the session's metadata, chunk index and results stream in a pipeline.
 */
export class TranscriptReader {
  constructor(
    private readonly client: Redis,
    private readonly keys: KeyScheme,
  ) {}

  /** The transcript, or undefined when Redis knows nothing of the session. */
  async read(session: SessionRef): Promise<Transcript | undefined> {
    const { sessionId } = session;
    const replies =
      (await this.client
        .pipeline()
        .hgetall(this.keys.sessionMetaKey(session))
        .hgetall(this.keys.sessionChunksKey(session))
        .xrangeBuffer(this.keys.sessionResultsStream(session), '-', '+')
        .hgetall(this.keys.sessionCostKey(session))
        .exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const meta = replies[0][1] as Record<string, string>;
    const chunkIndex = replies[1][1] as Record<string, string>;
    const entries = replies[2][1] as Array<[Buffer, Buffer[]]>;
    if (Object.keys(meta).length === 0 && entries.length === 0) return undefined;
    const transcript = assembleTranscript(
      sessionId,
      meta,
      chunkIndex,
      entries.map(([, flat]) => decodeResultEntry(fieldsFromFlat(flat))),
    );
    return { ...transcript, cost: costTotalsFrom(replies[3][1] as Record<string, string>) };
  }
}

export function assembleTranscript(
  sessionId: string,
  meta: Record<string, string>,
  chunkIndex: Record<string, string>,
  results: readonly TranscriptionResultEntry[],
): Omit<Transcript, 'cost'> {
  const chunks = new Map<string, TranscriptChunk>();
  for (const [field, value] of Object.entries(chunkIndex)) {
    if (!field.startsWith('c:')) continue;
    const [seq, , provider] = value.split('|');
    chunks.set(field.slice(2), { chunkId: field.slice(2), seq: Number(seq), status: 'pending', provider });
  }
  for (const result of results) {
    const known = chunks.get(result.chunkId);
    if (known && known.status !== 'pending' && !resultSupersedes(known.status, result.status)) continue;
    chunks.set(result.chunkId, {
      chunkId: result.chunkId,
      seq: known?.seq ?? result.seq,
      status: result.status,
      provider: result.provider,
      text: result.text,
      confidence: result.confidence,
      processingTime: result.processingTime,
      words: result.words,
      language: result.language,
      durationSeconds: result.durationSeconds,
      model: result.model,
      costUsd: result.costUsd,
      ...(result.status === 'failed' ? { error: chunkFailureForClient(result.error) } : {}),
    });
  }
  const ordered = [...chunks.values()].sort(bySeqThenId);
  const expected = meta['expected_chunks'] === undefined ? undefined : Number(meta['expected_chunks']);
  const resultCount = ordered.filter((c) => c.status !== 'pending').length;
  return {
    sessionId,
    complete:
      resultCount === ordered.length &&
      ordered.length > 0 &&
      (expected === undefined || ordered.length >= expected),
    chunkCount: ordered.length,
    resultCount,
    failedCount: ordered.filter((c) => c.status === 'failed').length,
    chunks: ordered,
    text: ordered
      .filter((c) => c.status === 'ok' && c.text)
      .map((c) => (c.text as string).trim())
      .join(' '),
  };
}

function bySeqThenId(a: TranscriptChunk, b: TranscriptChunk): number {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  if (a.seq !== undefined) return -1;
  if (b.seq !== undefined) return 1;
  return a.chunkId.localeCompare(b.chunkId);
}
