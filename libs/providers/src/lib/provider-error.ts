import type { ProviderName } from '@streamscribe/contracts';

/**
 * `retryable`: the same provider may succeed later (timeouts, 5xx, 429, connection resets).
 * `permanent`: it will not succeed for this chunk (401/403 bad credentials, 400 bad audio, 413).
 */
export type ProviderErrorKind = 'retryable' | 'permanent';

/** A provider call that failed, classified so the worker knows whether to retry or fail over. */
export class ProviderError extends Error {
  readonly provider: ProviderName;
  readonly kind: ProviderErrorKind;
  readonly statusCode?: number;
  /** From a `Retry-After` header: how long the provider asked us to wait. */
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** A live socket's close code when the provider closed it (1006: dropped without a close frame). */
  readonly closeCode?: number;

  constructor(
    message: string,
    details: {
      provider: ProviderName;
      kind: ProviderErrorKind;
      statusCode?: number;
      retryAfterMs?: number;
      requestId?: string;
      closeCode?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.name = 'ProviderError';
    this.provider = details.provider;
    this.kind = details.kind;
    this.statusCode = details.statusCode;
    this.retryAfterMs = details.retryAfterMs;
    this.requestId = details.requestId;
    this.closeCode = details.closeCode;
  }

  /** One line for the classic `error_history`: provider, status, request id and message. */
  toHistoryItem(): string {
    const status = this.statusCode === undefined ? this.kind : `${this.statusCode}`;
    const request = this.requestId ? ` req=${this.requestId}` : '';
    return `${this.provider}:${status}${request} ${this.message}`.replace(/[;\n]/g, ',');
  }
}

/** HTTP status → kind, the same for every HTTP provider. */
export function kindForStatus(statusCode: number): ProviderErrorKind {
  if (statusCode === 408 || statusCode === 425 || statusCode === 429 || statusCode >= 500) return 'retryable';
  return 'permanent';
}

/** Parses a Retry-After header: delta-seconds or an HTTP date. */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
