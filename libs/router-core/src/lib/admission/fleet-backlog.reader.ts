import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import { KeyScheme, PROVIDERS, ProviderName, providerGroup, recordFromPairs } from '@streamscribe/contracts';
import { isClusterClient, isMissingStreamOrGroup } from '@streamscribe/redis';
import { RedisMemory, parseInfoMemory, tightestMemory } from './admission-estimate';

/**
 * Every provider's backlog (XINFO GROUPS lag + pending of its group), summed over every partition
 * of its stream. Commands go out one by one in the same tick rather than in one pipeline: the
 * partitions' keys sit in different Cluster slots, and a pipeline must stay in one. Read in the
 * background (AdmissionControl), never per request.
 */
export async function readFleetBacklogs(
  client: Redis,
  keys: KeyScheme,
): Promise<Record<ProviderName, number>> {
  const streams = PROVIDERS.flatMap((provider) =>
    keys.allPartitions().map((k) => ({ provider, stream: keys.providerStream(provider, k) })),
  );
  const counts = await Promise.all(
    streams.map(({ provider, stream }) => groupBacklog(client, stream, providerGroup(provider))),
  );
  const backlogs = Object.fromEntries(PROVIDERS.map((p) => [p, 0])) as Record<ProviderName, number>;
  streams.forEach(({ provider }, i) => (backlogs[provider] += counts[i]));
  return backlogs;
}

/**
 * lag + pending of one group. Redis reports a null lag when it cannot compute it (entries deleted
 * or trimmed past the group's position); the stream's length, an upper bound, stands in then.
 */
async function groupBacklog(client: Redis, stream: string, group: string): Promise<number> {
  let groups: unknown[][];
  try {
    groups = (await client.xinfo('GROUPS', stream)) as unknown[][];
  } catch (error) {
    if (isMissingStreamOrGroup(error)) return 0;
    throw error;
  }
  const info = (groups ?? []).map(recordFromPairs).find((g) => String(g['name']) === group);
  if (!info) return 0;
  const pending = Number(info['pending'] ?? 0);
  const lag =
    info['lag'] === null || info['lag'] === undefined ? await client.xlen(stream) : Number(info['lag']);
  return lag + pending;
}

/**
 * INFO memory of the server, or on Cluster of every primary, the one closest to its limit: a
 * full primary refuses the writes of every session pinned to its slots. Undefined when INFO
 * has no such fields (a proxy in between, say).
 */
export async function readRedisMemory(client: Redis): Promise<RedisMemory | undefined> {
  const servers = isClusterClient(client) ? (client as unknown as Cluster).nodes('master') : [client];
  const replies = await Promise.all(servers.map((server) => server.info('memory')));
  const readings = replies.map(parseInfoMemory).filter((m): m is RedisMemory => m !== undefined);
  return tightestMemory(readings);
}
