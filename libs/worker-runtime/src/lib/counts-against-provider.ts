import { ProviderError } from '@streamscribe/providers';

/**
 * Whether a failed call says something about the provider's health (and so counts toward its
 * circuit breaker): outages, timeouts, throttling and refused credentials do; a chunk the provider
 * rejects as bad audio does not, or one corrupt upload could open the breaker for everyone.
 */
export function countsAgainstProvider(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return true;
  return error.kind === 'retryable' || error.statusCode === 401 || error.statusCode === 403;
}
