import { AudioChunkEntry } from '@streamscribe/contracts';
import { inspectAudio } from '@streamscribe/audio';
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

/** Seconds of audio in a chunk, for latency per audio second when the provider does not say. */
export function chunkAudioSeconds(chunk: AudioChunkEntry): number {
  if (chunk.audioFormat === 'l16' && chunk.sampleRate) return chunk.audio.length / 2 / (chunk.channels ?? 1) / chunk.sampleRate;
  try {
    return inspectAudio(chunk.audio, 'audio/wav').durationSeconds;
  } catch {
    return 0;
  }
}
