import type Redis from 'ioredis';
import {
  ProviderName,
  providerGroup,
  providerHeartbeatKey,
  KeyScheme,
  recordFromPairs,
} from '@streamscribe/contracts';
import { isMissingStreamOrGroup, pipelineAcrossSlots } from '@streamscribe/redis';
import { groupLoadFrom } from './group-load.reader';

/** A consumer group to report on, named by the provider whose fleet it is. */
export interface WatchedGroup {
  provider: string;
  /** The partition of the provider stream (0 with one partition). */
  partition: number;
  stream: string;
  group: string;
  /** Heartbeat sorted set of the group's consumers (see ServerRedisStreams' presenceKeyFor). */
  presenceKey: string;
}

const PER_GROUP = 4;

/**
 * Every partition of each provider's stream, with the fleet's group: a fleet reads (and has a
 * group on) every partition, so each is one watched group, and the provider's lag is their sum.
 */
export function providerFleets(providers: readonly ProviderName[], keys: KeyScheme): WatchedGroup[] {
  return providers.flatMap((provider) =>
    keys.allPartitions().map((partition) => ({
      provider,
      partition,
      stream: keys.providerStream(provider, partition),
      group: providerGroup(provider),
      presenceKey: providerHeartbeatKey(provider),
    })),
  );
}

/** One group as XLEN, XINFO GROUPS and XINFO CONSUMERS report it. */
export interface GroupStats extends WatchedGroup {
  length: number;
  /** False when the stream or the group does not exist (yet): nothing else is meaningful then. */
  exists: boolean;
  /**
   * XINFO GROUPS `lag`. Redis reports null when it cannot compute it (entries deleted or trimmed
   * past the group's position); the stream length, an upper bound, stands in then.
   */
  lag: number;
  pending: number;
  consumers: number;
  /** Consumers whose heartbeat is younger than livenessMs. */
  liveConsumers: number;
  /** Pending entries held by consumers whose XINFO CONSUMERS `idle` exceeds livenessMs. */
  idlePending: number;
}

/**
 * Reads every watched group and the length of every plain stream in one pipeline. Live
 * consumers come from the heartbeats, as routing sees them: Redis 7.0 registers a consumer
 * only once XREADGROUP hands it an entry, so XINFO CONSUMERS misses an idle, healthy fleet.
 * XINFO CONSUMERS tells what heartbeats cannot: which pending entries sit with a consumer that
 * stopped reading (a crashed pod, before the reclaim sweep takes them over).
 */
export async function readStreamStats(
  client: Redis,
  groups: readonly WatchedGroup[],
  plainStreams: readonly string[],
  livenessMs: number,
): Promise<{ groups: GroupStats[]; streamLengths: Map<string, number> }> {
  const pipeline = pipelineAcrossSlots(client);
  // Per group, in this order: XLEN, XINFO GROUPS, XINFO CONSUMERS, ZCOUNT of fresh heartbeats.
  for (const g of groups) {
    pipeline.xlen(g.stream);
    pipeline.xinfo('GROUPS', g.stream);
    pipeline.xinfo('CONSUMERS', g.stream, g.group);
    pipeline.zcount(g.presenceKey, Date.now() - livenessMs, '+inf');
  }
  for (const stream of plainStreams) pipeline.xlen(stream);
  const replies = (await pipeline.exec()) ?? [];

  const stats = groups.map((g, i): GroupStats => {
    const [lengthError, length] = replies[i * PER_GROUP];
    const [consumersError, consumerReplies] = replies[i * PER_GROUP + 2];
    const [liveError, live] = replies[i * PER_GROUP + 3];
    if (lengthError) throw lengthError;
    if (liveError) throw liveError;
    if (consumersError && !isMissingStreamOrGroup(consumersError)) throw consumersError;
    const streamLength = Number(length ?? 0);
    const load = groupLoadFrom(
      g,
      replies[i * PER_GROUP + 1] as [Error | null, unknown],
      streamLength,
      Number(live ?? 0),
    );
    if (!load.exists || consumersError)
      return {
        ...g,
        length: streamLength,
        exists: false,
        lag: 0,
        pending: 0,
        consumers: 0,
        liveConsumers: 0,
        idlePending: 0,
      };
    const consumers = ((consumerReplies as unknown[][]) ?? []).map(recordFromPairs);
    return {
      ...g,
      ...load,
      length: streamLength,
      idlePending: consumers
        .filter((c) => Number(c['idle']) > livenessMs)
        .reduce((sum, c) => sum + Number(c['pending'] ?? 0), 0),
    };
  });

  const streamLengths = new Map<string, number>();
  plainStreams.forEach((stream, i) => {
    const [error, length] = replies[groups.length * PER_GROUP + i];
    if (error) throw error;
    streamLengths.set(stream, Number(length ?? 0));
  });
  return { groups: stats, streamLengths };
}
