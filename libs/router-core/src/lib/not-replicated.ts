import { HttpException } from '@nestjs/common';
import type { ApiErrorBody } from '@streamscribe/contracts';
import type { NotReplicatedError } from '@streamscribe/redis';

/** Seconds a client waits before re-posting: a failover (or a lagging replica) settles in about that. */
const RETRY_AFTER_SECONDS = 1;

/**
 * 503 for REDIS_DURABILITY=replica when WAIT saw the write on fewer replicas than asked: the write
 * reached the primary but may be lost if it dies now. Unlike `redis_unavailable` something was
 * stored, so the body says what a retry does. The filter sends `retryAfterSeconds` as Retry-After.
 */
export class NotReplicatedRefusal extends HttpException {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(what: 'chunk' | 'file', error: NotReplicatedError) {
    const { replicas, wanted, written } = error.report;
    const confirmed = `confirmed on ${replicas} of the ${wanted} Redis replicas REDIS_WAIT_REPLICAS asks for`;
    const message =
      written === false
        ? `nothing was stored: the Redis primary has ${replicas} of the ${wanted} replicas REDIS_WAIT_REPLICAS asks for connected (a failover is settling); retry shortly`
        : what === 'chunk'
          ? `the chunk was written but not replicated (${confirmed}); retrying with the same chunk id is safe: it is stored once`
          : `the upload's chunks were written but not replicated (${confirmed}); the session is cancelled, send the file again`;
    super({ statusCode: 503, code: 'not_replicated', message } satisfies ApiErrorBody, 503, { cause: error });
  }
}
