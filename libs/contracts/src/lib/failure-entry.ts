import { epochSeconds } from './entry-fields';
import { EncodedFields } from './field-list';

/** One failed provider attempt, as the classic wire format records it in `transcription:failures`. */
export interface FailureEntry {
  failedProvider: string;
  sessionId: string;
  chunkId: string;
  seq?: number;
  error: string;
  /** `retryable` (timeouts, 5xx, 429) or `permanent` (auth, bad audio) for this provider. */
  errorClass: 'retryable' | 'permanent' | 'malformed';
  /** Where the chunk went next: a provider name, or `dead-letter`. */
  nextStep?: string;
  /** The session's tenant (absent: the default tenant's, as on a classic entry). */
  tenant?: string;
}

export function encodeFailureEntry(failure: FailureEntry, nowMs: number = Date.now()): EncodedFields {
  const fields: EncodedFields = [
    'failed_provider',
    failure.failedProvider,
    'chunk_id',
    failure.chunkId,
    'error',
    failure.error,
    'timestamp',
    epochSeconds(nowMs),
    'session_id',
    failure.sessionId,
    'error_class',
    failure.errorClass,
  ];
  if (failure.seq !== undefined) fields.push('seq', String(failure.seq));
  if (failure.nextStep) fields.push('next_step', failure.nextStep);
  if (failure.tenant) fields.push('tenant', failure.tenant);
  return fields;
}
