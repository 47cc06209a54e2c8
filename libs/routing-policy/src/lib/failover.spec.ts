import { nextProvider } from './failover';
import { retryDelayMs } from './retry-backoff';

const allLive = new Set(['deepgram', 'whisper', 'parakeet', 'assemblyai'] as const);

describe('nextProvider', () => {
  it("follows the chunk's own chain, skipping what was tried", () => {
    expect(
      nextProvider({
        current: 'deepgram',
        chain: ['whisper', 'assemblyai'],
        attempted: ['whisper'],
        live: allLive,
      }),
    ).toEqual({
      next: 'assemblyai',
    });
  });

  it('uses the classic default chain when the chunk has none', () => {
    expect(nextProvider({ current: 'parakeet', chain: [], attempted: [], live: allLive })).toEqual({
      next: 'whisper',
    });
  });

  it('never sends a chunk back to a provider that tried it (no whisper ↔ deepgram loop)', () => {
    const decision = nextProvider({ current: 'whisper', chain: [], attempted: ['deepgram'], live: allLive });
    expect(decision).toEqual({ next: 'assemblyai' });
    const exhausted = nextProvider({
      current: 'assemblyai',
      chain: [],
      attempted: ['deepgram', 'whisper'],
      live: allLive,
    });
    expect(exhausted.next).toBeUndefined();
    expect(!exhausted.next && exhausted.reason).toMatch(/every provider in the chain tried it/);
  });

  it('skips providers with no live worker and says so when none is left', () => {
    expect(
      nextProvider({ current: 'deepgram', chain: [], attempted: [], live: new Set(['assemblyai']) }),
    ).toEqual({ next: 'assemblyai' });
    const none = nextProvider({ current: 'deepgram', chain: [], attempted: [], live: new Set() });
    expect(!none.next && none.reason).toMatch(
      /no live worker for the untried providers \(whisper, assemblyai\)/,
    );
  });
});

describe('retryDelayMs', () => {
  const options = { baseMs: 100, maxMs: 1000 };
  it('grows exponentially with full jitter', () => {
    expect(retryDelayMs(1, options, undefined, () => 1)).toBe(100);
    expect(retryDelayMs(3, options, undefined, () => 1)).toBe(400);
    expect(retryDelayMs(3, options, undefined, () => 0.5)).toBe(200);
    expect(retryDelayMs(10, options, undefined, () => 1)).toBe(1000);
  });
  it('honours Retry-After as a floor and gives up when it is longer than maxMs', () => {
    expect(retryDelayMs(1, options, 700, () => 0)).toBe(700);
    expect(retryDelayMs(1, options, 7000, () => 0)).toBeUndefined();
  });
});
