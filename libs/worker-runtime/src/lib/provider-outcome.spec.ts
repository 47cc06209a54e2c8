import { newChunkEntry } from '@streamscribe/contracts';
import { encodeWav } from '@streamscribe/audio';
import { ProviderError } from '@streamscribe/providers';
import { chunkAudioSeconds, countsAgainstProvider } from './provider-outcome';

const error = (kind: 'retryable' | 'permanent', statusCode?: number) => new ProviderError('x', { provider: 'deepgram', kind, statusCode });
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };

describe('provider outcomes for the circuit breaker', () => {
  it.each([
    ['a 503', error('retryable', 503), true],
    ['a 429', error('retryable', 429), true],
    ['a timeout (no status)', error('retryable'), true],
    ['refused credentials (401)', error('permanent', 401), true],
    ['forbidden (403)', error('permanent', 403), true],
    ['bad audio (400): the chunk, not the provider', error('permanent', 400), false],
    ['too large (413)', error('permanent', 413), false],
    ['an unclassified error', new Error('socket hang up'), true],
  ])('%s counts against the provider: %s', (_name, failure, counts) => {
    expect(countsAgainstProvider(failure)).toBe(counts);
  });

  it('measures a chunk in audio seconds, WAV or raw PCM', () => {
    const chunk = (audio: Buffer, format: 'wav' | 'l16', sampleRate?: number) =>
      newChunkEntry({ sessionId: 's', chunkId: 'c', seq: 0, audio, audioFormat: format, sampleRate, hints, fallbackProviders: [] });
    expect(chunkAudioSeconds(chunk(encodeWav(Buffer.alloc(32_000), { sampleRate: 16_000, channels: 1 }), 'wav'))).toBeCloseTo(1);
    expect(chunkAudioSeconds(chunk(Buffer.alloc(16_000), 'l16', 16_000))).toBeCloseTo(0.5);
    expect(chunkAudioSeconds(chunk(Buffer.from('not audio'), 'wav'))).toBe(0);
  });
});
