/**
 * Typed errors: every refusal the router answers becomes a StreamscribeError subclass chosen by
 * HTTP status (and the router's stable `code` where the status alone is ambiguous).
 */
export interface StreamscribeErrorDetails {
  /** HTTP status (0 when the request never got an answer). */
  status: number;
  /** The router's stable error code (`quota_rate`, `unknown_session`, …) when it sent one. */
  code?: string;
  /** The parsed response body, when there was one. */
  body?: unknown;
  /** `Retry-After`, in milliseconds, when the answer carried one. */
  retryAfterMs?: number;
  /** The request's method and path, for messages and logs. */
  request?: string;
  cause?: unknown;
}

export class StreamscribeError extends Error {
  readonly status: number;
  readonly code?: string;
  readonly body?: unknown;
  readonly retryAfterMs?: number;
  readonly request?: string;

  constructor(message: string, details: StreamscribeErrorDetails) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.body = details.body;
    this.retryAfterMs = details.retryAfterMs;
    this.request = details.request;
  }
}

/** 400 / 413 / 415 / 422: the request itself is wrong; retrying it unchanged will not help. */
export class ValidationError extends StreamscribeError {}
/** 401: no key, a malformed one, or one the router does not know (revoked, expired). */
export class AuthenticationError extends StreamscribeError {}
/** 403: the key is valid but lacks the scope (or the tenant's settings forbid the request). */
export class PermissionError extends StreamscribeError {}
/** 404: no such session, key, tenant or dead letter (or another tenant's). */
export class NotFoundError extends StreamscribeError {}
/** 409: the request conflicts with what exists (a chunk id reused with other audio, …). */
export class ConflictError extends StreamscribeError {}
/** 402, or a 429 whose code is a budget (`quota_spend`, `quota_audio_seconds`): money or the month must change. */
export class QuotaError extends StreamscribeError {}
/** 429: too many requests now; `retryAfterMs` says when to try again. */
export class RateLimitError extends StreamscribeError {}
/** 502 / 503 / 504: no provider, router full, Redis away; retrying later can succeed. */
export class ServiceUnavailableError extends StreamscribeError {}
/** Another 5xx. */
export class ServerError extends StreamscribeError {}
/** No answer at all: connection refused or reset, DNS, an abort, a timeout. */
export class ConnectionError extends StreamscribeError {}
/** The wait for a transcript ran out before the session completed. */
export class TimeoutError extends StreamscribeError {}

const BUDGET_CODES = new Set(['quota_spend', 'quota_audio_seconds']);

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function messageOf(body: unknown, fallback: string): string {
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 500);
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const m =
      b['message'] ?? (b['error'] as Record<string, unknown> | undefined)?.['message'] ?? b['err_msg'];
    if (Array.isArray(m)) return m.join('; ');
    if (typeof m === 'string') return m;
  }
  return fallback;
}

function codeOf(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const c = b['code'] ?? (b['error'] as Record<string, unknown> | undefined)?.['code'] ?? b['err_code'];
    if (typeof c === 'string') return c;
  }
  return undefined;
}

/** The error for an HTTP answer that was not a success. */
export function errorFromResponse(
  status: number,
  body: unknown,
  headers: { get(name: string): string | null },
  request?: string,
): StreamscribeError {
  const code = codeOf(body);
  const details: StreamscribeErrorDetails = {
    status,
    code,
    body,
    retryAfterMs: retryAfterMs(headers.get('retry-after')),
    request,
  };
  const message = `${messageOf(body, `HTTP ${status}`)}${request ? ` (${request})` : ''}`;
  if (status === 401) return new AuthenticationError(message, details);
  if (status === 403) return new PermissionError(message, details);
  if (status === 404) return new NotFoundError(message, details);
  if (status === 409) return new ConflictError(message, details);
  if (status === 402 || (status === 429 && code !== undefined && BUDGET_CODES.has(code)))
    return new QuotaError(message, details);
  if (status === 429) return new RateLimitError(message, details);
  if (status === 502 || status === 503 || status === 504)
    return new ServiceUnavailableError(message, details);
  if (status >= 500) return new ServerError(message, details);
  if (status >= 400) return new ValidationError(message, details);
  return new StreamscribeError(message, details);
}

/** Worth retrying the same request (with the same chunk id): 429 rate limits, 503s, no answer. */
export function isRetryable(error: unknown): error is StreamscribeError {
  return (
    error instanceof RateLimitError ||
    error instanceof ServiceUnavailableError ||
    error instanceof ConnectionError ||
    (error instanceof StreamscribeError && error.status === 408)
  );
}
