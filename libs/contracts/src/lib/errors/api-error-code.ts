/**
 * The machine-readable `code` of every error body the router answers (`{ statusCode, code,
 * message }`). Codes are stable: clients branch on them, messages may change. A refusal that
 * has no code of its own gets the code of its status (`STATUS_ERROR_CODES`).
 */
export const API_ERROR_CODES = {
  bad_request: 'the request is malformed (a query parameter, the body or a header); the message says which',
  invalid_audio: 'the audio cannot be transcribed as sent (format, rate, channels, length)',
  unauthorized: 'no valid credentials were sent',
  forbidden: 'the credentials do not allow this',
  not_found: 'no such route, session or dead letter',
  conflict: 'the request conflicts with what is stored (for example a chunk id reused with other audio)',
  redrive_no_consumer_group:
    'a re-drive names a provider whose stream has no consumer group: nothing would read it',
  redrive_no_live_worker: 'a re-drive names a provider with no live worker: the chunk would wait unread',
  ambiguous_dead_letter_id:
    'an entry id without a partition that dead letters on more than one partition have: name one (`<entry id>@<partition>`)',
  payload_too_large: 'the body or the audio is over the configured limit',
  unsupported_media_type: 'the Content-Type (or the audio container) is not one the router decodes',
  no_capable_provider: 'no provider can transcribe this audio with the requested options',
  rate_limited: 'too many requests; retry after the Retry-After header',
  provider_backlog:
    'every provider this request may go to has a backlog over the wait bound; retry after the Retry-After header',
  client_closed_request: 'the client closed the connection before the answer',
  internal_error: 'a bug: the details are in the router log, never in the body',
  no_provider_available: 'no provider can take the audio now; retry shortly',
  fabric_overloaded:
    'Redis memory is inside the headroom kept for work in flight; retry after the Retry-After header',
  redis_unavailable: 'the router cannot reach Redis; nothing was stored; retry shortly',
  not_replicated:
    'REDIS_DURABILITY=replica: written on the Redis primary but not confirmed on its replicas; retry after Retry-After (a chunk with the same chunk id)',
  unavailable: 'the router cannot answer now; retry shortly',
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** The code of a refusal that names none, by HTTP status. */
export const STATUS_ERROR_CODES: Readonly<Record<number, ApiErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'no_capable_provider',
  429: 'rate_limited',
  499: 'client_closed_request',
  500: 'internal_error',
  503: 'unavailable',
};

export function errorCodeForStatus(status: number): ApiErrorCode {
  return STATUS_ERROR_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/** Every error body the router answers. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
}
