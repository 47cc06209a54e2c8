import { HttpException } from '@nestjs/common';

/**
 * When a retry of a refused request can succeed, in seconds, for refusals that know it (admission
 * control's 429/503, a replication shortfall's 503): what the Retry-After header says.
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof HttpException)) return undefined;
  const seconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : undefined;
}
