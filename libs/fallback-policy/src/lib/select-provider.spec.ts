import { ProviderLoad, RoutingRequest, selectProvider } from './select-provider';

const noHints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };
const load = (provider: ProviderLoad['provider'], lag: number, pending: number, liveConsumers: number): ProviderLoad => ({
  provider,
  lag,
  pending,
  liveConsumers,
});
const allLive = [load('deepgram', 10, 2, 1), load('whisper', 0, 0, 1), load('parakeet', 3, 0, 1), load('assemblyai', 1, 1, 2)];
const request = (overrides: Partial<RoutingRequest> = {}): RoutingRequest => ({ fallback: [], hints: noHints, ...overrides });

describe('selectProvider', () => {
  it.each([
    ['explicit preference wins over hints', request({ preferred: 'parakeet', hints: { ...noHints, realTimeRequired: true } }), 'parakeet', 'preferred'],
    ['real-time goes to deepgram even when it is busier', request({ hints: { ...noHints, realTimeRequired: true } }), 'deepgram', 'real_time'],
    ['accuracy goes to whisper', request({ hints: { ...noHints, accuracyCritical: true } }), 'whisper', 'accuracy'],
    ['cost goes to whisper', request({ hints: { ...noHints, costSensitive: true } }), 'whisper', 'cost'],
    ['a session stays on its provider', request({ sessionProvider: 'assemblyai' }), 'assemblyai', 'session'],
    ['otherwise the least backlog per live consumer', request(), 'whisper', 'least_loaded'],
  ])('%s', (_name, req, provider, reason) => {
    expect(selectProvider(req, allLive)).toEqual({ ok: true, provider, reason });
  });

  it('measures load as lag plus pending per live consumer, not stream length', () => {
    const loads = [load('deepgram', 4, 0, 4), load('whisper', 2, 1, 1), load('parakeet', 0, 0, 0)];
    expect(selectProvider(request(), loads)).toMatchObject({ provider: 'deepgram' });
  });

  it('breaks ties in provider order', () => {
    const loads = [load('assemblyai', 0, 0, 1), load('parakeet', 0, 0, 1)];
    expect(selectProvider(request(), loads)).toMatchObject({ provider: 'parakeet' });
  });

  it('skips providers without live consumers for hints and sessions', () => {
    const loads = [load('deepgram', 0, 0, 0), load('whisper', 0, 0, 0), load('assemblyai', 5, 0, 1)];
    expect(selectProvider(request({ hints: { ...noHints, realTimeRequired: true, costSensitive: true }, sessionProvider: 'deepgram' }), loads)).toEqual({
      ok: true,
      provider: 'assemblyai',
      reason: 'least_loaded',
    });
  });

  it('tries the fallback list when the preferred provider has no live consumer', () => {
    const loads = [load('deepgram', 0, 0, 0), load('whisper', 0, 0, 1)];
    expect(selectProvider(request({ preferred: 'deepgram', fallback: ['parakeet', 'whisper'] }), loads)).toEqual({
      ok: true,
      provider: 'whisper',
      reason: 'fallback',
    });
  });

  it('explains what to start when the preferred provider and its fallbacks are down', () => {
    const decision = selectProvider(request({ preferred: 'whisper' }), [load('deepgram', 0, 0, 1)]);
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.message).toMatch(/audio:stream:whisper.*whisper_workers.*worker-whisper/);
  });

  it('explains what to configure when nothing is live', () => {
    const decision = selectProvider(request(), []);
    expect(!decision.ok && decision.message).toMatch(/DEEPGRAM_API_KEY/);
  });
});
