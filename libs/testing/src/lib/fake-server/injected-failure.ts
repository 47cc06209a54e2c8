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

/**
 * Plays a reset or a hang (a reset destroys the socket; a hang writes nothing, and the server's
 * close ends it). Returns the HTTP failure to answer instead, or undefined when nothing is left to do.
 */
export function playConnectionFailure(
  failure: InjectedFailure,
  socket: { destroy(): void } | null,
  record: { dropped?: 'reset' | 'hang' },
): { status: number; body?: object; headers: Record<string, string> } | undefined {
  if ('kind' in failure) {
    record.dropped = failure.kind;
    if (failure.kind === 'reset') socket?.destroy();
    return undefined;
  }
  const headers: Record<string, string> =
    failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
  return { status: failure.status, body: failure.body, headers };
}
