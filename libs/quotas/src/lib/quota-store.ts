import { HttpException, ServiceUnavailableException } from '@nestjs/common';
import { ReplyError } from 'ioredis';

/**
 * Runs a read or write of quota state; Redis out of reach becomes a 503 the client can retry
 * (quotas fail closed: an unreachable Redis cannot say a tenant is within its limits). Errors
 * Redis replied with are bugs and stay 500s.
 */
export async function whileQuotaStoreAnswers<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof HttpException || error instanceof ReplyError || !(error instanceof Error))
      throw error;
    throw new ServiceUnavailableException(
      'Redis is unreachable, so quotas cannot be checked; nothing was stored. Retry shortly',
    );
  }
}
