import { FieldReader, RawFields, SCHEMA_VERSION } from './entry-fields';
import { EncodedFields } from './field-list';
import { MalformedEntryError } from './malformed-entry.error';

export interface WordTiming {
  word: string;
  /**
   * Seconds on the session's clock when the result has an `offsetMs` (the worker added it);
   * else seconds from the start of the chunk (results of chunks whose offset was unknown, and
   * results from before offsets). Transcripts always give the session's clock where it is known.
   */
  start: number;
  end: number;
  confidence: number;
  speaker?: number;
}

/** `ok`: the chunk was transcribed. `failed`: terminal, no provider could (dead-lettered). */
export type ResultStatus = 'ok' | 'failed';

/**
 * A chunk has one standing result; the one exception is an "ok" replacing a "failed" (a re-drive,
 * a hedge, a peer that finished it). The result Lua (write-results.script.ts) applies the same rule.
 */
export function resultSupersedes(standing: ResultStatus, incoming: ResultStatus): boolean {
  return standing === 'failed' && incoming === 'ok';
}

/**
 * The field of the session's result index (and so the unit of "written once") for a result. Ours
 * (with a `seq`): the chunk, whichever provider answers: hedges, failovers and redeliveries must
 * not add a second result. A classic entry (no `seq`): the chunk and the provider, because the
 * guide's consensus sends one chunk id to several providers' streams under one session and reads
 * every provider's result back. Transcripts and live feeds still show one result per chunk.
 */
export function resultIndexField(result: { chunkId: string; seq?: number; provider: string }): string {
  return result.seq === undefined ? `${result.chunkId}@${result.provider}` : result.chunkId;
}

export interface TranscriptionResultEntry {
  sessionId: string;
  chunkId: string;
  seq?: number;
  /**
   * The chunk's start in the session's audio, in ms (`offset_ms`), copied from the chunk. When set,
   * `words` are already on the session's clock (chunk time + offset).
   */
  offsetMs?: number;
  status: ResultStatus;
  text: string;
  /** Normalized to 0..1 so results from different providers compare. */
  confidence: number;
  provider: string;
  /** Seconds the provider call took (the classic `processing_time`). */
  processingTime: number;
  /** Seconds since the epoch when the result was written. */
  timestamp: number;
  words: WordTiming[];
  language?: string;
  /** Seconds of audio, measured from the audio sent (else the provider's figure). */
  durationSeconds?: number;
  /** The model that produced the text. */
  model?: string;
  /** What the transcription cost, in USD, from the price table (absent on results from before costs). */
  costUsd?: number;
  /** Why the chunk failed: always set on `failed` results (a classic reader sees empty text, confidence 0). */
  error?: string;
  /** The session's tenant; absent on a classic result, which is the default tenant's (`tenantOf`). */
  tenant?: string;
}

export const RESULT_FIELDS = {
  text: 'text',
  confidence: 'confidence',
  provider: 'provider',
  processingTime: 'processing_time',
  chunkId: 'chunk_id',
  sessionId: 'session_id',
  timestamp: 'timestamp',
  seq: 'seq',
  offsetMs: 'offset_ms',
  status: 'status',
  words: 'words',
  language: 'language',
  durationSeconds: 'duration',
  error: 'error',
  model: 'model',
  costUsd: 'cost_usd',
  tenant: 'tenant',
  schemaVersion: 'schema_version',
} as const;

export function encodeResultEntry(result: TranscriptionResultEntry): EncodedFields {
  const f = RESULT_FIELDS;
  // One field name and its value per line.
  // prettier-ignore
  const fields: EncodedFields = [
    f.text, result.text,
    f.confidence, String(result.confidence),
    f.provider, result.provider,
    f.processingTime, result.processingTime.toFixed(6),
    f.chunkId, result.chunkId,
    f.sessionId, result.sessionId,
    f.timestamp, result.timestamp.toFixed(6),
    f.status, result.status,
    f.words, JSON.stringify(result.words),
    f.schemaVersion, String(SCHEMA_VERSION),
  ];
  if (result.seq !== undefined) fields.push(f.seq, String(result.seq));
  if (result.offsetMs !== undefined) fields.push(f.offsetMs, String(result.offsetMs));
  if (result.language) fields.push(f.language, result.language);
  if (result.durationSeconds !== undefined) fields.push(f.durationSeconds, String(result.durationSeconds));
  // A failed result reads to a classic reader as empty text with confidence 0: `error` says it failed.
  if (result.error || result.status === 'failed')
    fields.push(f.error, result.error || 'failed (no reason recorded)');
  if (result.model) fields.push(f.model, result.model);
  if (result.costUsd !== undefined) fields.push(f.costUsd, result.costUsd.toFixed(6));
  if (result.tenant) fields.push(f.tenant, result.tenant);
  return fields;
}

/** Decodes a result entry, including classic results (which lack status, seq and words). */
export function decodeResultEntry(fields: RawFields): TranscriptionResultEntry {
  const r = new FieldReader(fields);
  const f = RESULT_FIELDS;
  const status = r.optionalText(f.status) ?? 'ok';
  if (status !== 'ok' && status !== 'failed') r.problems.push(`unknown status '${status.slice(0, 40)}'`);
  const result: TranscriptionResultEntry = {
    sessionId: r.text(f.sessionId),
    chunkId: r.text(f.chunkId),
    seq: r.optionalInteger(f.seq),
    offsetMs: r.optionalInteger(f.offsetMs),
    status: status as ResultStatus,
    text: r.optionalText(f.text) ?? '',
    confidence: r.optionalNumber(f.confidence) ?? 0,
    provider: r.optionalText(f.provider) ?? '',
    processingTime: r.optionalNumber(f.processingTime) ?? 0,
    timestamp: r.optionalNumber(f.timestamp) ?? 0,
    words: parseWords(r),
    language: r.optionalText(f.language) || undefined,
    durationSeconds: r.optionalNumber(f.durationSeconds),
    error: r.optionalText(f.error) || undefined,
    model: r.optionalText(f.model) || undefined,
    costUsd: r.optionalNumber(f.costUsd),
    tenant: r.optionalText(f.tenant) || undefined,
  };
  if (r.problems.length > 0) throw new MalformedEntryError(r.problems);
  return result;
}

function parseWords(r: FieldReader): WordTiming[] {
  const raw = r.optionalText(RESULT_FIELDS.words);
  if (!raw) return [];
  try {
    const words: unknown = JSON.parse(raw);
    // Every reader takes `word.word` as text (transcripts, voting): an element that is not an
    // object with a text `word` ([1, null], [{"word": 7}]) is refused here, not crashed on there.
    if (Array.isArray(words) && words.every(isWordLike)) return words as WordTiming[];
  } catch {
    // reported below
  }
  r.problems.push(`field '${RESULT_FIELDS.words}' is not a JSON array of words`);
  return [];
}

function isWordLike(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { word?: unknown }).word === 'string'
  );
}
