import { AudioFormatError } from '@streamscribe/audio';
import type { ProviderName } from '@streamscribe/contracts';
import { ProviderError } from '@streamscribe/providers';

/**
 * Unreadable audio will not become readable on a retry: permanent, so the chunk fails over.
 * Anything else the runtime throws (a CUDA out-of-memory, say) may pass: retryable.
 */
export function inferenceError(provider: ProviderName, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`${provider}: ${message}`, {
    provider,
    kind: error instanceof AudioFormatError ? 'permanent' : 'retryable',
    cause: error,
  });
}
