import type Redis from 'ioredis';
import {
  PROVIDERS,
  ProviderLoad,
  ProviderName,
  providerGroup,
  providerHeartbeatKey,
  KeyScheme,
} from '@streamscribe/contracts';
import { readGroupLoads } from './group-load.reader';

/**
 * Every provider fleet's lag, pending and live consumers, in one pipeline. A classic fleet (code
 * written to the guide) writes no heartbeat, and Redis registers a consumer in the group only once
 * it has been handed an entry, so nothing in Redis shows an idle one alive: a fleet the operator
 * names in `classicFleets` counts as live, with as many consumers as the group has registered
 * (at least one). Reads partition 0 of each provider stream: the one workers consume while one
 * partition is the only layout configured (see keySchemeFrom).
 */
export async function readProviderLoads(
  client: Redis,
  livenessMs: number,
  classicFleets: readonly ProviderName[] = [],
  keys: KeyScheme = new KeyScheme(),
): Promise<ProviderLoad[]> {
  const groups = await readGroupLoads(
    client,
    PROVIDERS.map((provider) => ({
      stream: keys.providerStream(provider, 0),
      group: providerGroup(provider),
      presenceKey: providerHeartbeatKey(provider),
    })),
    livenessMs,
  );
  return groups.map((g, i) => {
    const provider = PROVIDERS[i];
    const liveConsumers = classicFleets.includes(provider)
      ? Math.max(g.liveConsumers, g.consumers, 1)
      : g.liveConsumers;
    return { provider, lag: g.lag, pending: g.pending, liveConsumers };
  });
}
