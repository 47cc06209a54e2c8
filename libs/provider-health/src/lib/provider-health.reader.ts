import type Redis from 'ioredis';
import { pipelineAcrossSlots } from '@streamscribe/redis';
import { PROVIDERS, ProviderName, providerHealthKey } from '@streamscribe/contracts';
import { BREAKER_STATE_VALUE, breakerMetrics } from './breaker-metrics';
import { HealthSettings } from './health-settings';
import { parseProviderHealth } from './parse-provider-health';
import { ProviderHealth } from './provider-health';
import { claimProbeScript } from './scripts/claim-probe.script';

/** The router's side of provider health: reads every provider's hash, and claims probes. */
export class ProviderHealthReader {
  constructor(
    private readonly client: Redis,
    private readonly settings: HealthSettings,
  ) {}

  /** Every provider's health, in one pipeline (a command each on Cluster); also sets the breaker gauge. */
  async readAll(nowMs: number = Date.now()): Promise<Record<ProviderName, ProviderHealth>> {
    const pipeline = pipelineAcrossSlots(this.client);
    for (const provider of PROVIDERS) pipeline.hgetall(providerHealthKey(provider));
    const replies = (await pipeline.exec()) ?? [];
    const health = {} as Record<ProviderName, ProviderHealth>;
    PROVIDERS.forEach((provider, i) => {
      const [error, hash] = replies[i];
      if (error) throw error;
      health[provider] = parseProviderHealth(hash as Record<string, string>, this.settings, nowMs);
      breakerMetrics.state.set({ provider }, BREAKER_STATE_VALUE[health[provider].breaker.state]);
    });
    return health;
  }

  /** Claims the half-open probe of `provider`: true when this chunk may go to it. */
  async claimProbe(provider: ProviderName, nowMs: number = Date.now()): Promise<boolean> {
    const granted = await claimProbeScript.run(
      this.client,
      { health: providerHealthKey(provider) },
      { nowMs, probeTimeoutMs: this.settings.probeTimeoutMs },
    );
    breakerMetrics.probes.inc({ provider, outcome: granted ? 'granted' : 'refused' });
    return granted;
  }
}
