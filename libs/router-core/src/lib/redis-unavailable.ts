import { HttpException } from '@nestjs/common';
import { ReplyError } from 'ioredis';
import { NotReplicatedError, isUnavailableReply } from '@streamscribe/redis';
import { apiError } from './http/api-error';

/**
 * Runs a Redis operation; a connection-level failure (Redis down, unreachable, timed out) becomes
 * a 503 the client can retry, and so does a reply by which Redis refused the command for now (a
 * Cluster or Sentinel failover under way: CLUSTERDOWN, TRYAGAIN, READONLY…). Other errors Redis
 * itself replied with are bugs and stay 500s.
 */
export async function whileRedisAnswers<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    // A replication shortfall is answered by the caller, which knows what was written.
    if (
      error instanceof HttpException ||
      (error instanceof ReplyError && !isUnavailableReply(error)) ||
      error instanceof NotReplicatedError ||
      !(error instanceof Error)
    )
      throw error;
    // The Redis error (address, reason) is for the operator's log, not the client.
    throw apiError(
      503,
      'redis_unavailable',
      'Redis is unreachable; nothing was stored. Retry shortly',
      error,
    );
  }
}
