import type Redis from 'ioredis';
import { PROVIDERS, ProviderLoad, providerGroup, providerHeartbeatKey, providerStream } from '@streamscribe/contracts';
import { readGroupLoads } from './group-load.reader';

/** Every provider fleet's lag, pending and live consumers, in one pipeline. */
export async function readProviderLoads(client: Redis, livenessMs: number): Promise<ProviderLoad[]> {
  const groups = await readGroupLoads(
    client,
    PROVIDERS.map((provider) => ({
      stream: providerStream(provider),
      group: providerGroup(provider),
      presenceKey: providerHeartbeatKey(provider),
    })),
    livenessMs,
  );
  return groups.map((g, i) => ({ provider: PROVIDERS[i], lag: g.lag, pending: g.pending, liveConsumers: g.liveConsumers }));
}
