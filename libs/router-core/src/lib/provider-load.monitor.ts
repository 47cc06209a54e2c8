import type Redis from 'ioredis';
import { PROVIDERS, providerGroup, providerHeartbeatKey, providerStream } from '@streamscribe/contracts';
import { ProviderLoad } from '@streamscribe/fallback-policy';
import { readGroupLoads } from '@streamscribe/streams';

/**
 * The fleets' lag, pending and live consumers, read in one pipeline and reused for a short
 * while: at thousands of chunks per second, reading XINFO per chunk would cost more than routing.
 */
export class ProviderLoadMonitor {
  private cached?: { at: number; loads: Promise<ProviderLoad[]> };

  constructor(
    private readonly redis: Redis,
    private readonly livenessMs: number,
    private readonly cacheMs: number,
  ) {}

  current(): Promise<ProviderLoad[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.cacheMs) {
      const loads = this.read();
      this.cached = { at: now, loads };
      loads.catch(() => (this.cached = undefined));
    }
    return this.cached.loads;
  }

  private async read(): Promise<ProviderLoad[]> {
    const groups = await readGroupLoads(
      this.redis,
      PROVIDERS.map((provider) => ({
        stream: providerStream(provider),
        group: providerGroup(provider),
        presenceKey: providerHeartbeatKey(provider),
      })),
      this.livenessMs,
    );
    return groups.map((g, i) => ({ provider: PROVIDERS[i], lag: g.lag, pending: g.pending, liveConsumers: g.liveConsumers }));
  }
}
