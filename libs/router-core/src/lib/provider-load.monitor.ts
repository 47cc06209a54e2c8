import type Redis from 'ioredis';
import { ProviderLoad } from '@streamscribe/fallback-policy';
import { readProviderLoads } from '@streamscribe/streams';

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
      const loads = readProviderLoads(this.redis, this.livenessMs);
      this.cached = { at: now, loads };
      loads.catch(() => (this.cached = undefined));
    }
    return this.cached.loads;
  }
}
