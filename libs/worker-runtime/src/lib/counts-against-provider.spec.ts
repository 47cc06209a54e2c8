import { ProviderError } from '@streamscribe/providers';
import { countsAgainstProvider } from './counts-against-provider';

const error = (kind: 'retryable' | 'permanent', statusCode?: number) =>
  new ProviderError('x', { provider: 'deepgram', kind, statusCode });

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
});
