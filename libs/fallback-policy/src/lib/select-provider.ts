import { PROVIDERS, ProviderName, RoutingHints, providerGroup, providerStream } from '@streamscribe/contracts';

/** What the router knows about one provider's fleet when it routes a chunk. */
export interface ProviderLoad {
  provider: ProviderName;
  /** Entries waiting in the group (not yet delivered). */
  lag: number;
  /** Entries delivered and not yet acknowledged. */
  pending: number;
  /** Consumers with a recent heartbeat. */
  liveConsumers: number;
}

export interface RoutingRequest {
  /** Explicit choice: wins over hints, then its fallback list is tried in order. */
  preferred?: ProviderName;
  fallback: readonly ProviderName[];
  hints: RoutingHints;
  /** The provider the session already uses: a live session stays on it. */
  sessionProvider?: ProviderName;
}

export type RoutingReason = 'preferred' | 'fallback' | 'session' | 'real_time' | 'accuracy' | 'cost' | 'least_loaded';

export type RoutingDecision =
  | { ok: true; provider: ProviderName; reason: RoutingReason }
  | { ok: false; message: string };

/**
 * The seed's rules, made safe: explicit preference, then real-time → deepgram, accuracy or cost →
 * whisper, otherwise least loaded — but only among providers that have live consumers, and with
 * "load" measured as waiting plus in-progress entries per live consumer rather than XLEN (which
 * counts entries processed long ago). A session keeps its provider while that provider is live.
 */
export function selectProvider(request: RoutingRequest, loads: readonly ProviderLoad[]): RoutingDecision {
  const live = new Map(loads.filter((l) => l.liveConsumers > 0).map((l) => [l.provider, l]));

  if (request.preferred) {
    if (live.has(request.preferred)) return { ok: true, provider: request.preferred, reason: 'preferred' };
    const next = request.fallback.find((p) => live.has(p));
    if (next) return { ok: true, provider: next, reason: 'fallback' };
    return { ok: false, message: noLiveWorkersFor([request.preferred, ...request.fallback]) };
  }
  if (request.sessionProvider && live.has(request.sessionProvider)) {
    return { ok: true, provider: request.sessionProvider, reason: 'session' };
  }
  if (request.hints.realTimeRequired && live.has('deepgram')) return { ok: true, provider: 'deepgram', reason: 'real_time' };
  if (request.hints.accuracyCritical && live.has('whisper')) return { ok: true, provider: 'whisper', reason: 'accuracy' };
  if (request.hints.costSensitive && live.has('whisper')) return { ok: true, provider: 'whisper', reason: 'cost' };

  const leastLoaded = leastLoadedProvider([...live.values()]);
  if (leastLoaded) return { ok: true, provider: leastLoaded, reason: 'least_loaded' };
  return {
    ok: false,
    message:
      'no transcription worker is running for any provider: start one (npm start runs a worker for every ' +
      'configured provider; set DEEPGRAM_API_KEY to enable Deepgram) and check it reaches the same REDIS_URL',
  };
}

/** Lowest backlog per live consumer; ties go to the earlier provider in PROVIDERS order. */
export function leastLoadedProvider(live: readonly ProviderLoad[]): ProviderName | undefined {
  let best: { provider: ProviderName; score: number } | undefined;
  for (const provider of PROVIDERS) {
    const load = live.find((l) => l.provider === provider);
    if (!load || load.liveConsumers <= 0) continue;
    const score = (load.lag + load.pending) / load.liveConsumers;
    if (!best || score < best.score) best = { provider, score };
  }
  return best?.provider;
}

function noLiveWorkersFor(providers: readonly ProviderName[]): string {
  const described = providers.map((p) => `${p} (${providerStream(p)}, group ${providerGroup(p)})`).join(', ');
  return (
    `no live worker consumes the requested provider${providers.length > 1 ? 's' : ''}: ${described}. ` +
    `Start worker-${providers[0]} against this REDIS_URL, or omit ?provider= to let the router choose`
  );
}
