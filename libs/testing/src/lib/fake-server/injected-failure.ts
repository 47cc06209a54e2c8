/**
 * A failure a fake provider server plays instead of its normal answer:
 * - `{ status, body?, retryAfterSeconds? }`: an HTTP error; `body` replaces the provider's default
 *   error body for that status, `retryAfterSeconds` sets a `Retry-After` header.
 * - `{ kind: 'reset' }`: the socket is destroyed after the request is read (a crash, a dropped
 *   connection); the client sees a connection error.
 * - `{ kind: 'hang' }`: no answer at all until the server closes (only a client timeout ends it).
 */
export type InjectedFailure =
  { status: number; body?: object; retryAfterSeconds?: number } | { kind: 'reset' } | { kind: 'hang' };
