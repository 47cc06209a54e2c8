import { PROVIDERS, ProviderName, RoutingHints, providerGroup } from '@streamscribe/contracts';
import { RoutingRequirements, capabilityMismatch } from './capability-filter';
import {
  DEFAULT_PROVIDER_PROFILES,
  DEFAULT_ROUTING_WEIGHTS,
  ProviderProfile,
  RoutingCapabilities,
  RoutingWeights,
} from './provider-profile';
import { ProviderState } from './provider-state';

export interface RoutingRequest {
  /** Explicit choice: wins over hints, then its fallback list is tried in order. */
  preferred?: ProviderName;
  fallback: readonly ProviderName[];
  hints: RoutingHints;
  /** The provider the session already uses: a live session stays on it while it is healthy. */
  sessionProvider?: ProviderName;
  requirements?: RoutingRequirements;
  /** Not to be chosen this time (a refused half-open probe, the provider a hedge is hedging). */
  exclude?: readonly ProviderName[];
}

export type RoutingReason =
  'preferred' | 'fallback' | 'session' | 'real_time' | 'accuracy' | 'cost' | 'expected_wait';

export type RoutingDecision =
  | {
      ok: true;
      provider: ProviderName;
      reason: RoutingReason;
      /** The provider is half-open: this chunk is its probe, if the caller can claim the probe slot. */
      probe: boolean;
      /** Expected seconds to a result, hint terms included, for every scored candidate. */
      scores: Partial<Record<ProviderName, number>>;
    }
  | { ok: false; status: 422 | 503; message: string };

export interface RoutingPolicy {
  profiles: Readonly<Record<ProviderName, ProviderProfile>>;
  weights: RoutingWeights;
}

export const DEFAULT_ROUTING_POLICY: RoutingPolicy = {
  profiles: DEFAULT_PROVIDER_PROFILES,
  weights: DEFAULT_ROUTING_WEIGHTS,
};

/**
 * Picks the provider for one chunk. Candidates are first filtered by capability (language,
 * diarization, word timestamps, length, streaming for real-time: what the fleet's workers
 * declared, else the profile's) and health (live consumers, a
 * breaker that is not open), then scored by expected seconds to a result: the queue ahead of the
 * chunk over the fleet's slots times its measured service time, plus its measured latency per
 * audio second times the chunk's length, plus the hints' terms (price for cost, word error rate
 * for accuracy). An explicit provider wins over scores, and a session stays on its provider
 * while that provider is healthy (the original Python guide split live sessions across providers).
 */
export function selectProvider(
  request: RoutingRequest,
  states: readonly ProviderState[],
  policy: RoutingPolicy = DEFAULT_ROUTING_POLICY,
): RoutingDecision {
  const needs: RoutingRequirements = {
    ...request.requirements,
    streaming: request.hints.realTimeRequired || request.requirements?.streaming,
  };
  const byName = new Map(states.map((s) => [s.provider, s]));
  const capabilitiesOf = (p: ProviderName) => byName.get(p)?.capabilities ?? policy.profiles[p].capabilities;
  const capable = PROVIDERS.filter((p) => !capabilityMismatch(capabilitiesOf(p), needs));
  if (capable.length === 0)
    return { ok: false, status: 422, message: noCapableProvider(needs, capabilitiesOf) };

  const excluded = new Set(request.exclude ?? []);
  const healthy = (p: ProviderName) => {
    const state = byName.get(p);
    return (
      !!state &&
      state.liveConsumers > 0 &&
      state.breaker !== 'open' &&
      !excluded.has(p) &&
      capable.includes(p)
    );
  };
  const scores = scoreCandidates(capable.filter(healthy), byName, request, policy);
  const chosen = (provider: ProviderName, reason: RoutingReason): RoutingDecision => ({
    ok: true,
    provider,
    reason,
    probe: byName.get(provider)?.breaker === 'half_open',
    scores,
  });

  if (request.preferred) {
    if (healthy(request.preferred)) return chosen(request.preferred, 'preferred');
    const next = request.fallback.find(healthy);
    if (next) return chosen(next, 'fallback');
    return {
      ok: false,
      status: 503,
      message: noHealthyWorkersFor(
        [...new Set([request.preferred, ...request.fallback])],
        byName,
        capable,
        excluded,
      ),
    };
  }
  const session = request.sessionProvider;
  if (session && healthy(session) && (byName.get(session)?.breaker ?? 'closed') === 'closed')
    return chosen(session, 'session');

  const best = lowestScore(scores, policy.weights.tieSeconds);
  if (best) return chosen(best, reasonOf(request.hints));
  if (capable.some((p) => (byName.get(p)?.liveConsumers ?? 0) > 0)) {
    return { ok: false, status: 503, message: noHealthyWorkersFor(capable, byName, capable, excluded) };
  }
  return {
    ok: false,
    status: 503,
    message:
      'no transcription worker is running for any provider: start one (npm start runs a worker for every ' +
      'configured provider; set DEEPGRAM_API_KEY to enable Deepgram) and check it reaches the same REDIS_URL',
  };
}

/** Expected seconds to a result, for each candidate; lower is better. */
export function scoreCandidates(
  candidates: readonly ProviderName[],
  states: ReadonlyMap<ProviderName, ProviderState>,
  request: Pick<RoutingRequest, 'hints' | 'requirements'>,
  policy: RoutingPolicy = DEFAULT_ROUTING_POLICY,
): Partial<Record<ProviderName, number>> {
  const audioSeconds = request.requirements?.audioSeconds ?? 1;
  const scores: Partial<Record<ProviderName, number>> = {};
  for (const provider of candidates) {
    const state = states.get(provider) as ProviderState;
    const profile = policy.profiles[provider];
    const latency = state.latencyPerAudioSecond ?? profile.latencyPerAudioSecondPrior;
    const service = state.serviceSeconds ?? latency * audioSeconds;
    const slots = Math.max(1, state.liveConsumers * (state.slotsPerConsumer ?? 1));
    const queueWait = ((state.lag + state.pending) / slots) * service;
    let score = queueWait + latency * audioSeconds;
    if (request.hints.costSensitive)
      score += profile.pricePerAudioMinuteUsd * policy.weights.secondsPerUsdPerMinute;
    if (request.hints.accuracyCritical)
      score += profile.expectedWordErrorRate * policy.weights.secondsPerWordErrorRate;
    scores[provider] = score;
  }
  return scores;
}

/** The lowest score; scores within `tieSeconds` of it go to the earliest provider in PROVIDERS order. */
function lowestScore(
  scores: Partial<Record<ProviderName, number>>,
  tieSeconds: number,
): ProviderName | undefined {
  const scored = PROVIDERS.filter((p) => scores[p] !== undefined);
  if (scored.length === 0) return undefined;
  const min = Math.min(...scored.map((p) => scores[p] as number));
  return scored.find((p) => (scores[p] as number) - min <= tieSeconds);
}

function reasonOf(hints: RoutingHints): RoutingReason {
  if (hints.realTimeRequired) return 'real_time';
  if (hints.accuracyCritical) return 'accuracy';
  if (hints.costSensitive) return 'cost';
  return 'expected_wait';
}

function noCapableProvider(
  needs: RoutingRequirements,
  capabilitiesOf: (p: ProviderName) => RoutingCapabilities,
): string {
  const why = PROVIDERS.map((p) => `${p} ${capabilityMismatch(capabilitiesOf(p), needs)}`).join('; ');
  return `no provider can transcribe this chunk: ${why}. Relax the requirement or split the audio`;
}

function noHealthyWorkersFor(
  providers: readonly ProviderName[],
  states: ReadonlyMap<ProviderName, ProviderState>,
  capable: readonly ProviderName[],
  excluded: ReadonlySet<ProviderName>,
): string {
  const described = providers
    .map((p) => {
      const state = states.get(p);
      if (!capable.includes(p)) return `${p} (not capable of this chunk)`;
      if (state && state.liveConsumers > 0 && state.breaker === 'open')
        return `${p} (circuit breaker open: it has been failing)`;
      if (state && state.liveConsumers > 0 && excluded.has(p)) {
        return state.breaker === 'half_open'
          ? `${p} (recovering: its one probe chunk is in flight)`
          : `${p} (excluded for this chunk)`;
      }
      // The group, not a stream: with REDIS_PARTITIONS > 1 the fleet reads one stream per partition.
      return `${p} (no live worker in group ${providerGroup(p)} on its provider stream)`;
    })
    .join(', ');
  return (
    `no healthy worker for the requested provider${providers.length > 1 ? 's' : ''}: ${described}. ` +
    `Start worker-${providers[0]} against this REDIS_URL, wait for its breaker to close, or omit ?provider= to let the router choose`
  );
}
