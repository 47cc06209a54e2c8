import {
  AuthenticationError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  QuotaError,
  RateLimitError,
  ServiceUnavailableError,
  StreamscribeClient,
  StreamscribeError,
} from '@streamscribe/client';
import { CliError, EXIT } from './exit-codes';

export interface Connection {
  /** The router, e.g. http://localhost:8080 */
  url: string;
  key?: string;
}

/** The SDK client the commands use: 429/503/no answer retried twice (Retry-After honoured). */
export function clientFor(connection: Connection): StreamscribeClient {
  return new StreamscribeClient({
    baseUrl: connection.url.replace(/\/+$/, ''),
    apiKey: connection.key,
    retry: { maxRetries: 2, maxDelayMs: 10_000 },
  });
}

/** The exit code of an SDK error (see exit-codes.ts); other errors are 1. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.code;
  if (error instanceof AuthenticationError || error instanceof PermissionError) return EXIT.auth;
  if (error instanceof ConnectionError || error instanceof ServiceUnavailableError) return EXIT.unavailable;
  if (error instanceof RateLimitError || error instanceof QuotaError) return EXIT.limited;
  if (error instanceof NotFoundError) return EXIT.notFound;
  return EXIT.failed;
}

/** `401 …`-style message of an SDK error (status first, so scripts can grep it), else the message. */
export function messageOf(error: unknown, connection: Connection): string {
  if (error instanceof ConnectionError) return `cannot reach ${connection.url}: ${error.message}`;
  if (
    error instanceof StreamscribeError &&
    error.status > 0 &&
    !error.message.startsWith(String(error.status))
  )
    return `${error.status} ${error.message}`;
  return (error as Error).message;
}
