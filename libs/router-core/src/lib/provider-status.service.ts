import { Injectable } from '@nestjs/common';
import { PROVIDERS, ProviderName } from '@streamscribe/contracts';
import { BreakerState, DEFAULT_PROVIDER_PROFILES, RoutingCapabilities } from '@streamscribe/routing-policy';
import { ProviderStateMonitor } from './provider-state.monitor';
import { whileRedisAnswers } from './redis-unavailable';

/** One provider, as `GET /v1/providers` shows it. */
export interface ProviderStatus {
  provider: ProviderName;
  liveConsumers: number;
  lag: number;
  pending: number;
  breaker: { state: BreakerState; openUntil?: string; reason?: string };
  /** Provider seconds per audio second over the health window; null until measured. */
  latencyPerAudioSecond: { p50: number | null; p95: number | null; mean: number | null };
  /** Over the health window. */
  errorRate: number;
  calls: { ok: number; error: number };
  audioSecondsTotal: number;
  pricePerAudioMinuteUsd: number;
  /** Audio seconds transcribed × price, since the provider's health record began. */
  costSoFarUsd: number;
  /** As the fleet's workers announced them, else the router's defaults. */
  capabilities: RoutingCapabilities;
}

/**
 * What a caller without the `admin` scope sees of a provider: whether it can take audio now, how
 * fast and at what price, what it can do. Fleet size, queue depth, error counts and spend (summed
 * over every tenant) are operators' business. Nothing here or in ProviderStatus is secret: no
 * keys, no URLs, no model paths.
 */
export type PublicProviderStatus = Pick<
  ProviderStatus,
  'provider' | 'latencyPerAudioSecond' | 'pricePerAudioMinuteUsd' | 'capabilities'
> & { available: boolean; breaker: { state: BreakerState } };

export function publicProviderStatus(status: ProviderStatus): PublicProviderStatus {
  return {
    provider: status.provider,
    available: status.liveConsumers > 0 && status.breaker.state !== 'open',
    breaker: { state: status.breaker.state },
    latencyPerAudioSecond: status.latencyPerAudioSecond,
    pricePerAudioMinuteUsd: status.pricePerAudioMinuteUsd,
    capabilities: status.capabilities,
  };
}

@Injectable()
export class ProviderStatusService {
  constructor(private readonly fleets: ProviderStateMonitor) {}

  async status(): Promise<{ providers: ProviderStatus[] }> {
    const { loads, health } = await whileRedisAnswers(() => this.fleets.current());
    return {
      providers: PROVIDERS.map((provider) => {
        const h = health[provider];
        const profile = DEFAULT_PROVIDER_PROFILES[provider];
        return {
          provider,
          liveConsumers: loads[provider].liveConsumers,
          lag: loads[provider].lag,
          pending: loads[provider].pending,
          breaker: {
            state: h.breaker.state,
            ...(h.breaker.openUntil ? { openUntil: new Date(h.breaker.openUntil).toISOString() } : {}),
            ...(h.breaker.reason ? { reason: h.breaker.reason } : {}),
          },
          latencyPerAudioSecond: {
            p50: round(h.latencyPerAudioSecondP50),
            p95: round(h.latencyPerAudioSecondP95),
            mean: round(h.latencyPerAudioSecond),
          },
          errorRate: round(h.errorRate) ?? 0,
          calls: { ok: h.okCount, error: h.errorCount },
          audioSecondsTotal: round(h.audioSecondsTotal) ?? 0,
          pricePerAudioMinuteUsd: profile.pricePerAudioMinuteUsd,
          costSoFarUsd: round((h.audioSecondsTotal / 60) * profile.pricePerAudioMinuteUsd, 6) ?? 0,
          capabilities: h.capabilities ?? profile.capabilities,
        };
      }),
    };
  }
}

function round(value: number | undefined, digits = 4): number | null {
  return value === undefined ? null : Number(value.toFixed(digits));
}
