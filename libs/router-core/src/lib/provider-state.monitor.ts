import type Redis from 'ioredis';
import { KeyScheme, PROVIDERS, ProviderLoad, ProviderName } from '@streamscribe/contracts';
import { ProviderState } from '@streamscribe/routing-policy';
import { HealthSettings, ProviderHealth, ProviderHealthReader } from '@streamscribe/provider-health';
import { readProviderLoads } from '@streamscribe/fleet';

/** One reading of every fleet: load from the streams, health and breaker from the health hashes. */
export interface FleetSnapshot {
  at: number;
  loads: Record<ProviderName, ProviderLoad>;
  health: Record<ProviderName, ProviderHealth>;
  /** What the routing policy sees. */
  states: ProviderState[];
}

/**
 * The fleets' lag, pending, live consumers and health, read in two pipelines and reused for a
 * short while: at thousands of chunks per second, reading XINFO per chunk would cost more than
 * routing.
 */
export class ProviderStateMonitor {
  private cached?: { at: number; snapshot: Promise<FleetSnapshot> };
  readonly health: ProviderHealthReader;

  constructor(
    private readonly redis: Redis,
    private readonly livenessMs: number,
    private readonly cacheMs: number,
    settings: HealthSettings,
    /** Fleets of classic consumers (CLASSIC_FLEETS): live without our heartbeat. */
    private readonly classicFleets: readonly ProviderName[],
    /** The app's key scheme: a fleet's load is summed over every partition of its stream. */
    private readonly keys: KeyScheme,
  ) {
    this.health = new ProviderHealthReader(redis, settings);
  }

  /** The cached reading, or a new one when it is older than `maxAgeMs` (LOAD_CACHE_MS by default). */
  current(maxAgeMs: number = this.cacheMs): Promise<FleetSnapshot> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > maxAgeMs) {
      const snapshot = this.read(now);
      this.cached = { at: now, snapshot };
      snapshot.catch(() => (this.cached = undefined));
    }
    return this.cached.snapshot;
  }

  /** Forgets the cached reading (after claiming a probe, say, which changes a breaker). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async read(at: number): Promise<FleetSnapshot> {
    const [loadList, health] = await Promise.all([
      readProviderLoads(this.redis, this.livenessMs, this.classicFleets, this.keys),
      this.health.readAll(at),
    ]);
    const loads = Object.fromEntries(loadList.map((l) => [l.provider, l])) as Record<
      ProviderName,
      ProviderLoad
    >;
    const states = PROVIDERS.map((provider): ProviderState => {
      const h = health[provider];
      return {
        ...loads[provider],
        breaker: h.breaker.state,
        latencyPerAudioSecond: h.latencyPerAudioSecond,
        serviceSeconds: h.serviceSeconds,
        slotsPerConsumer: h.slotsPerConsumer,
        capabilities: h.capabilities,
      };
    });
    return { at, loads, health, states };
  }
}
