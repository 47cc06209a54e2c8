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
 * (by a Lua call that also moves the provider's circuit breaker for every replica at once).
 */
export class ProviderHealthRecorder {
  /** Successes of this event-loop turn, not yet sent, and the answer their callers wait for (recordSoon). */
  private pending?: { successes: Successes; recorded: Promise<RecordedOutcome>; settle: Settle };

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

  /** Counts one call now (one Lua call): the breaker has seen it when this resolves. */
  async record(outcome: ProviderOutcome, nowMs: number = Date.now()): Promise<RecordedOutcome> {
    if (!outcome.ok)
      return this.run({ outcome: 'error', retryAfterMs: outcome.retryAfterMs, calls: 1 }, nowMs);
    const successes = new Successes();
    successes.add(outcome);
    return this.run(successes.figures(), nowMs);
  }

  /**
   * Counts a call soon, for a worker's hot path: the successes of one event-loop turn go to Redis
   * as one Lua call (at full load one per read batch instead of one per chunk); an error goes at
   * once, after the successes before it, since it may open the breaker.
   */
  recordSoon(outcome: ProviderOutcome): Promise<RecordedOutcome> {
    if (!outcome.ok) return this.flushSuccesses().then(() => this.record(outcome));
    if (!this.pending) {
      let settle!: Settle;
      const recorded = new Promise<RecordedOutcome>((resolve, reject) => (settle = { resolve, reject }));
      this.pending = { successes: new Successes(), recorded, settle };
      setImmediate(() => void this.flushSuccesses());
    }
    const { successes, recorded } = this.pending;
    const first = successes.empty;
    successes.add(outcome);
    // A breaker move is reported to one caller, not to each success of the turn.
    return first ? recorded : recorded.then(({ state }) => ({ state }));
  }

  /** Sends the successes gathered so far (if any); resolves once they are counted or failed. */
  private async flushSuccesses(): Promise<void> {
    const batch = this.pending;
    if (!batch) return;
    this.pending = undefined;
    await this.run(batch.successes.figures(), Date.now()).then(batch.settle.resolve, batch.settle.reject);
  }

  private async run(figures: OutcomeFigures, nowMs: number): Promise<RecordedOutcome> {
    const s = this.settings;
    const ok = figures.outcome === 'ok';
    const { state, transition, reason } = await recordOutcomeScript.run(
      this.client,
      { health: providerHealthKey(this.provider) },
      {
        nowMs,
        outcome: figures.outcome,
        providerMs: ok ? figures.providerMs.toFixed(3) : 0,
        audioSeconds: ok ? figures.audioSeconds.toFixed(4) : 0,
        latencyBuckets: ok ? figures.latencyBuckets : '',
        retryAfterMs: ok ? 0 : Math.max(0, Math.round(figures.retryAfterMs ?? 0)),
        windowMs: s.windowMs,
        slots: s.slots,
        minRequests: s.minRequests,
        errorRateThreshold: s.errorRate,
        openMs: s.openMs,
        latencyBucketCount: LATENCY_BUCKETS,
        calls: figures.calls,
      },
    );
    breakerMetrics.state.set({ provider: this.provider }, BREAKER_STATE_VALUE[state]);
    if (!transition) return { state };
    breakerMetrics.transitions.inc({ provider: this.provider, to: transition });
    return { state, transition: { to: transition, reason } };
  }
}

type Settle = { resolve: (recorded: RecordedOutcome) => void; reject: (error: unknown) => void };

type OutcomeFigures =
  | { outcome: 'ok'; calls: number; providerMs: number; audioSeconds: number; latencyBuckets: string }
  | { outcome: 'error'; calls: 1; retryAfterMs?: number };

/** Successful calls summed for one record: counts, time, audio, and calls per latency bucket. */
class Successes {
  private calls = 0;
  private providerMs = 0;
  private audioSeconds = 0;
  private readonly buckets = new Map<number, number>();

  get empty(): boolean {
    return this.calls === 0;
  }

  add(outcome: Extract<ProviderOutcome, { ok: true }>): void {
    const msPerAudioSecond = outcome.audioSeconds > 0 ? outcome.providerMs / outcome.audioSeconds : 0;
    const bucket = latencyBucket(msPerAudioSecond);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.calls++;
    this.providerMs += outcome.providerMs;
    this.audioSeconds += outcome.audioSeconds;
  }

  figures(): OutcomeFigures {
    return {
      outcome: 'ok',
      calls: this.calls,
      providerMs: this.providerMs,
      audioSeconds: this.audioSeconds,
      latencyBuckets: [...this.buckets].map(([bucket, calls]) => `${bucket}:${calls}`).join(','),
    };
  }
}
