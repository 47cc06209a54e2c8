import type Redis from 'ioredis';
import { recordFromPairs } from '@streamscribe/contracts';
import { isMissingStreamOrGroup, pipelineAcrossSlots } from '@streamscribe/redis';

export interface GroupLoadQuery {
  stream: string;
  group: string;
  /** Heartbeat sorted set of the group's consumers (see ServerRedisStreams' presenceKeyFor). */
  presenceKey: string;
}

/** How busy a consumer group is, as XINFO GROUPS and the heartbeats tell it. */
export interface GroupLoad {
  stream: string;
  group: string;
  exists: boolean;
  /** Entries not yet delivered to any consumer of the group (Redis ≥ 7 `lag`). */
  lag: number;
  /** Entries delivered but not yet acknowledged. */
  pending: number;
  /** Consumers registered in the group, alive or not. */
  consumers: number;
  /** Consumers whose heartbeat is younger than the liveness window. */
  liveConsumers: number;
}

/**
 * Reads the load of several groups in one pipeline. `lag` is what the classic guide's XLEN should have
 * been: entries waiting, not entries ever written. Redis reports a null lag when it cannot compute
 * it (after XDEL/XTRIM past the group's position); then the stream length bounds it from above.
 */
export async function readGroupLoads(
  client: Redis,
  queries: readonly GroupLoadQuery[],
  livenessMs: number,
  nowMs: number = Date.now(),
): Promise<GroupLoad[]> {
  // Stale heartbeats are pruned by the workers' stream maintenance, not on this (hot) read.
  const pipeline = pipelineAcrossSlots(client);
  for (const q of queries) {
    pipeline.xinfo('GROUPS', q.stream);
    pipeline.zcount(q.presenceKey, nowMs - livenessMs, '+inf');
    pipeline.xlen(q.stream);
  }
  const replies = (await pipeline.exec()) ?? [];
  return queries.map((q, i) => {
    const [liveError, live] = replies[i * 3 + 1];
    const [, length] = replies[i * 3 + 2];
    if (liveError) throw liveError;
    return groupLoadFrom(q, replies[i * 3], Number(length ?? 0), Number(live ?? 0));
  });
}

/**
 * One group's load from its stream's XINFO GROUPS reply (error or value, as a pipeline answers),
 * the stream's length and its live consumers. A missing stream or group is `exists: false`.
 */
export function groupLoadFrom(
  q: GroupLoadQuery,
  [error, groups]: [Error | null, unknown],
  length: number,
  liveConsumers: number,
): GroupLoad {
  if (error && !isMissingStreamOrGroup(error)) throw error;
  const info = error
    ? undefined
    : ((groups as unknown[][] | undefined) ?? []).map(recordFromPairs).find((g) => g['name'] === q.group);
  return {
    stream: q.stream,
    group: q.group,
    exists: info !== undefined,
    lag: info ? toCount(info['lag'], length) : length,
    pending: info ? toCount(info['pending'], 0) : 0,
    consumers: info ? toCount(info['consumers'], 0) : 0,
    liveConsumers,
  };
}

export function toCount(value: unknown, fallback: number): number {
  return value === null || value === undefined ? fallback : Number(value);
}
