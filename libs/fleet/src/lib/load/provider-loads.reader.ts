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
 * (at least one).
 *
 * A fleet reads every partition of its stream, so its lag and pending are the sums over the
 * partitions; its consumers are the same workers in every partition's group (the heartbeats are
 * per fleet), so those are not summed.
 */
export async function readProviderLoads(
  client: Redis,
  livenessMs: number,
  classicFleets: readonly ProviderName[],
  keys: KeyScheme,
): Promise<ProviderLoad[]> {
  const partitions = keys.allPartitions();
  const groups = await readGroupLoads(
    client,
    PROVIDERS.flatMap((provider) =>
      partitions.map((k) => ({
        stream: keys.providerStream(provider, k),
        group: providerGroup(provider),
        presenceKey: providerHeartbeatKey(provider),
      })),
    ),
    livenessMs,
  );
  return PROVIDERS.map((provider, i) => {
    const ofProvider = groups.slice(i * partitions.length, (i + 1) * partitions.length);
    const registered = Math.max(...ofProvider.map((g) => g.consumers));
    const heartbeats = ofProvider[0].liveConsumers;
    const liveConsumers = classicFleets.includes(provider) ? Math.max(heartbeats, registered, 1) : heartbeats;
    return {
      provider,
      lag: ofProvider.reduce((sum, g) => sum + g.lag, 0),
      pending: ofProvider.reduce((sum, g) => sum + g.pending, 0),
      liveConsumers,
    };
  });
}
