import type Redis from 'ioredis';
import { ProviderName, providerHealthKey } from '@streamscribe/contracts';
import type { BreakerState, RoutingCapabilities } from '@streamscribe/routing-policy';
import { BREAKER_STATE_VALUE, breakerMetrics } from './breaker-metrics';
import { HealthSettings } from './health-settings';
import { LATENCY_BUCKETS, latencyBucket } from './latency-histogram';
import { recordOutcomeScript } from './scripts/record-outcome.script';

/** One provider call, as the worker saw it. */
export type ProviderOutcome =
  { ok: true; providerMs: number; audioSeconds: number } | { ok: false; retryAfterMs?: number };

export interface RecordedOutcome {
  state: BreakerState;
  /** The breaker moved because of this outcome. */
  transition?: { to: 'open' | 'closed'; reason: string };
}

/**
 * The worker's side of provider health: every provider call is counted in the shared health hash
 * (one Lua call), which also moves the provider's circuit breaker for every replica at once.
 */
export class ProviderHealthRecorder {
  constructor(
    private readonly client: Redis,
    readonly provider: ProviderName,
    private readonly settings: HealthSettings,
  ) {}

  /**
   * Tells routers what this fleet can do and how many chunks each consumer works on at once; the
   * routing policy prefers this to its defaults.
   */
  async announce(fleet: { slotsPerConsumer: number; capabilities: RoutingCapabilities }): Promise<void> {
    await this.client.hset(
      providerHealthKey(this.provider),
      'slots_per_consumer',
      fleet.slotsPerConsumer,
      'capabilities',
      JSON.stringify(fleet.capabilities),
    );
  }

  async record(outcome: ProviderOutcome, nowMs: number = Date.now()): Promise<RecordedOutcome> {
    const s = this.settings;
    const msPerAudioSecond =
      outcome.ok && outcome.audioSeconds > 0 ? outcome.providerMs / outcome.audioSeconds : 0;
    const { state, transition, reason } = await recordOutcomeScript.run(
      this.client,
      { health: providerHealthKey(this.provider) },
      {
        nowMs,
        outcome: outcome.ok ? 'ok' : 'error',
        providerMs: outcome.ok ? outcome.providerMs.toFixed(3) : 0,
        audioSeconds: outcome.ok ? outcome.audioSeconds.toFixed(4) : 0,
        latencyBucket: latencyBucket(msPerAudioSecond),
        retryAfterMs: outcome.ok ? 0 : Math.max(0, Math.round(outcome.retryAfterMs ?? 0)),
        windowMs: s.windowMs,
        slots: s.slots,
        minRequests: s.minRequests,
        errorRateThreshold: s.errorRate,
        openMs: s.openMs,
        latencyBucketCount: LATENCY_BUCKETS,
      },
    );
    breakerMetrics.state.set({ provider: this.provider }, BREAKER_STATE_VALUE[state]);
    if (!transition) return { state };
    breakerMetrics.transitions.inc({ provider: this.provider, to: transition });
    return { state, transition: { to: transition, reason } };
  }
}
