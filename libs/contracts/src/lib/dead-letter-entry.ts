import { AudioChunkEntry, decodeChunkEntry } from './chunk-entry';
import { RawFields } from './entry-fields';
import { MalformedEntryError } from './malformed-entry.error';
import { PROVIDERS, ProviderName } from './providers';
import { providerOfStream } from './keys/provider-of-stream';
import { tenantOf } from './keys/tenancy';

/**
 * Fields a worker adds when it moves an entry to `transcription:dead-letters`; the entry's own
 * fields (audio included) stay as they were, so a re-drive can put it back unchanged.
 */
export const DEAD_LETTER_FIELDS = {
  reason: 'dead_letter_reason',
  sourceStream: 'source_stream',
  sourceEntryId: 'source_entry_id',
  sourceGroup: 'source_group',
  failedProvider: 'failed_provider',
  deadLetteredAt: 'dead_lettered_at',
} as const;

/** Counts the re-drives of a chunk, so an operator sees one that keeps coming back. */
export const REDRIVE_COUNT_FIELD = 'redrive_count';

const META = new Set<string>(Object.values(DEAD_LETTER_FIELDS));

export function isDeadLetterMetaField(name: string): boolean {
  return META.has(name);
}

export interface DeadLetter {
  /**
   * The letter's id (`deadLetterId`): its entry id in the dead-letter stream, qualified with its
   * partition (`<entry id>@<k>`) when there is more than one.
   */
  id: string;
  /** The partition whose dead-letter stream holds it; present when there is more than one. */
  partition?: number;
  reason: string;
  sourceStream?: string;
  sourceEntryId?: string;
  failedProvider?: string;
  deadLetteredAt?: number;
  sessionId?: string;
  /** The session's tenant: the entry's `tenant` field, the default tenant when absent. */
  tenant: string;
  chunkId?: string;
  seq?: number;
  originalProvider?: string;
  errorHistory?: string;
  redriveCount: number;
  audioBytes: number;
  /** Whether the entry decodes as a chunk; a malformed one cannot be re-driven. */
  redrivable: boolean;
  /** Why it does not decode, for a malformed entry. */
  malformed?: string;
}

export function decodeDeadLetter(id: string, fields: RawFields): DeadLetter {
  const text = (name: string) => fields.get(name)?.toString('utf8') || undefined;
  const f = DEAD_LETTER_FIELDS;
  let chunk: AudioChunkEntry | undefined;
  let malformed: string | undefined;
  try {
    chunk = decodeChunkEntry(fields);
  } catch (error) {
    if (!(error instanceof MalformedEntryError)) throw error;
    malformed = error.message;
  }
  const seq = Number(text('seq'));
  // Written by workers and re-drives, but a letter is whatever reached the stream: a count of
  // '1e309' or '-2' must not become Infinity or a negative count (nor a time of Infinity).
  const redriveCount = Number(text(REDRIVE_COUNT_FIELD));
  const deadLetteredAt = Number(text(f.deadLetteredAt));
  return {
    id,
    reason: text(f.reason) ?? '(no reason recorded)',
    sourceStream: text(f.sourceStream),
    sourceEntryId: text(f.sourceEntryId),
    failedProvider: text(f.failedProvider),
    deadLetteredAt: Number.isFinite(deadLetteredAt) && deadLetteredAt > 0 ? deadLetteredAt : undefined,
    sessionId: chunk?.sessionId ?? text('session_id'),
    tenant: tenantOf({ tenant: chunk?.tenant ?? text('tenant') }),
    chunkId: chunk?.chunkId ?? text('chunk_id'),
    seq: chunk?.seq ?? (Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined),
    originalProvider: chunk?.originalProvider,
    errorHistory: chunk?.errorHistory || undefined,
    redriveCount: Number.isSafeInteger(redriveCount) && redriveCount > 0 ? redriveCount : 0,
    audioBytes: chunk?.audio.length ?? 0,
    redrivable: chunk !== undefined,
    malformed,
  };
}

/** A dead letter's id as the API gives and takes it: an entry id, `@<partition>` optional. */
export const DEAD_LETTER_ID_PATTERN = /^(\d{1,20}-\d{1,20})(?:@(\d{1,4}))?$/;

/**
 * A letter's id with more than one partition, `<entry id>@<k>`: entry ids are per stream, so two
 * partitions can hold letters with the same one (written in the same millisecond). With one
 * partition a letter's id is its entry id alone, as the classic guide has it.
 */
export function deadLetterId(entryId: string, partition: number): string {
  return `${entryId}@${partition}`;
}

/** The entry id and, when the id names one, the partition; undefined when it is no letter id. */
export function parseDeadLetterId(id: string): { entryId: string; partition?: number } | undefined {
  const match = DEAD_LETTER_ID_PATTERN.exec(id);
  if (!match) return undefined;
  return match[2] === undefined ? { entryId: match[1] } : { entryId: match[1], partition: Number(match[2]) };
}

/** The provider a re-drive sends a chunk to when the operator names none: where it started. */
export function redriveTarget(letter: DeadLetter): ProviderName | undefined {
  const candidates = [letter.originalProvider, providerOfStream(letter.sourceStream), letter.failedProvider];
  return candidates.find((name): name is ProviderName => PROVIDERS.includes(name as ProviderName));
}
