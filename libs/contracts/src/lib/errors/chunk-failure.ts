/**
 * What a client is told about a failed chunk (in a transcript, a live feed, a consensus report):
 * a stable code and a short message. The reason a worker recorded — provider error text, request
 * ids, which workers were live — stays in the results stream, the failures stream, dead letters
 * and logs, which operators read.
 */
export const CHUNK_FAILURE_CODES = {
  audio_rejected: 'the provider could not decode or accept this audio',
  no_provider_available: 'no provider was available to transcribe this chunk',
  consensus_timeout: 'no consensus provider answered in time',
  transcription_failed: 'every provider tried for this chunk failed',
  invalid_chunk: 'the chunk entry could not be read',
} as const;

export type ChunkFailureCode = keyof typeof CHUNK_FAILURE_CODES;

export interface ChunkFailure {
  code: ChunkFailureCode;
  message: string;
}

/** The client's view of a recorded failure reason (free text written by a worker or the router). */
export function chunkFailureForClient(reason: string | undefined): ChunkFailure {
  const code = classify(reason ?? '');
  return { code, message: CHUNK_FAILURE_CODES[code] };
}

function classify(reason: string): ChunkFailureCode {
  if (/^no consensus provider answered/.test(reason)) return 'consensus_timeout';
  if (/^malformed|^invalid (chunk|entry)|missing field|MalformedEntry/i.test(reason)) return 'invalid_chunk';
  const at = reason.lastIndexOf('last error:');
  const lastError = at >= 0 ? reason.slice(at + 'last error:'.length) : reason;
  // A provider's 4xx about the audio itself (not about our key or quota).
  if (/^\s*[a-z]+:(400|413|415|422)\b|audio format|unsupported audio|could not decode/i.test(lastError))
    return 'audio_rejected';
  if (/^no live worker/.test(reason)) return 'no_provider_available';
  return 'transcription_failed';
}
