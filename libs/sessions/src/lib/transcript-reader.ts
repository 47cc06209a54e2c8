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
import { reconcileOverlaps } from './overlap-reconciliation';
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
  placeOnSessionClock(ordered, chunkIndex, results);
  // A cut forced inside speech left both chunks the audio around it: each word is kept once.
  reconcileOverlaps(ordered);
  const speakers = labelSpeakers(ordered, meta['split'] === 'whole');
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
    ...(meta['split'] ? { split: { mode: meta['split'], reason: meta['split_reason'] } } : {}),
    ...(speakers ? { speakers } : {}),
  };
}

/**
 * Gives each chunk its start and end on the session's clock, and its words too where the worker
 * could not (a live chunk that arrived before the one ahead of it had no offset on its entry). A
 * chunk's start: the offset recorded at ingest (`o:<seq>`), else the chunk before's start plus its
 * duration (`d:<seq>`, else its result's), 0 for seq 0; unknown after a chunk of unknown length.
 */
function placeOnSessionClock(
  ordered: TranscriptChunk[],
  chunkIndex: Record<string, string>,
  results: readonly TranscriptionResultEntry[],
): void {
  const resultOffsets = new Map<string, number | undefined>();
  for (const r of results) if (r.chunkId && r.status === 'ok') resultOffsets.set(r.chunkId, r.offsetMs);
  const numberAt = (field: string) => {
    const value = chunkIndex[field];
    return value === undefined || value === '' || !Number.isFinite(Number(value)) ? undefined : Number(value);
  };
  let previous: { seq: number; endMs?: number } | undefined;
  for (const chunk of ordered) {
    if (chunk.seq === undefined) continue;
    const durationMs =
      numberAt(`d:${chunk.seq}`) ??
      (chunk.durationSeconds === undefined ? undefined : chunk.durationSeconds * 1000);
    const startMs =
      numberAt(`o:${chunk.seq}`) ??
      (chunk.seq === 0 ? 0 : previous?.seq === chunk.seq - 1 ? previous.endMs : undefined);
    previous = {
      seq: chunk.seq,
      endMs: startMs === undefined || durationMs === undefined ? undefined : startMs + durationMs,
    };
    if (startMs === undefined) continue;
    chunk.start = startMs / 1000;
    if (durationMs !== undefined) chunk.end = (startMs + durationMs) / 1000;
    // Words the worker left on the chunk's clock (its result has no offset) are moved here.
    if (
      chunk.words?.length &&
      resultOffsets.has(chunk.chunkId) &&
      resultOffsets.get(chunk.chunkId) === undefined
    )
      chunk.words = chunk.words.map((w) => ({
        ...w,
        start: Math.round(w.start * 1000 + startMs) / 1000,
        end: Math.round(w.end * 1000 + startMs) / 1000,
      }));
  }
}

/**
 * Speaker labels. One chunk (a file sent whole, or a one-chunk session): the provider's labels.
 * Several chunks: each call numbered its own speakers from 0, and without voice embeddings
 * nothing tells whether chunk 2's speaker 0 is chunk 1's; so every chunk's labels are renumbered,
 * in order of first appearance, after the last number used by the chunks before it.
 */
function labelSpeakers(ordered: TranscriptChunk[], wholeFile: boolean): Transcript['speakers'] | undefined {
  const labelled = ordered.filter((c) => c.words?.some((w) => w.speaker !== undefined));
  if (labelled.length === 0) return undefined;
  if (wholeFile || ordered.length === 1) return 'whole_file';
  let next = 0;
  for (const chunk of labelled) {
    const numbers = new Map<number, number>();
    chunk.words = (chunk.words ?? []).map((w) => {
      if (w.speaker === undefined) return w;
      let label = numbers.get(w.speaker);
      if (label === undefined) {
        label = next++;
        numbers.set(w.speaker, label);
      }
      return { ...w, speaker: label };
    });
  }
  return 'distinct_per_chunk';
}

function bySeqThenId(a: TranscriptChunk, b: TranscriptChunk): number {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  if (a.seq !== undefined) return -1;
  if (b.seq !== undefined) return 1;
  return a.chunkId.localeCompare(b.chunkId);
}
