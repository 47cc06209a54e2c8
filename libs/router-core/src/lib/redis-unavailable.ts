import { HttpException, ServiceUnavailableException } from '@nestjs/common';
import { ReplyError } from 'ioredis';

/**
 * Runs a Redis operation; a connection-level failure (Redis down, unreachable, timed out) becomes
 * a 503 the client can retry. Errors Redis itself replied with are bugs and stay 500s.
 */
export async function whileRedisAnswers<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof HttpException || error instanceof ReplyError || !(error instanceof Error))
      throw error;
    throw new ServiceUnavailableException(
      `Redis is unreachable (${error.message}); nothing was stored. Retry shortly; if it persists, check REDIS_URL and the Redis server`,
    );
  }
}
