/**
 * The engine thread died (an uncaught error, out of memory, or exit) while batches were in flight.
 * Retryable: a fresh thread is already loading. It fails the whole batch rather than rerunning its
 * items one by one, since a crash says nothing about which item caused it and each rerun would
 * reload the model.
 */
export class EngineThreadExitedError extends Error {
  readonly failsWholeBatch = true;

  constructor(reason: string) {
    super(`the inference thread stopped (${reason}); it is being restarted, the chunk will be retried`);
    this.name = 'EngineThreadExitedError';
  }
}
