import type Redis from 'ioredis';

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
 * Reads the load of several groups in one pipeline. `lag` is what the seed's XLEN should have
 * been: entries waiting, not entries ever written. Redis reports a null lag when it cannot compute
 * it (after XDEL/XTRIM past the group's position); then the stream length bounds it from above.
 */
export async function readGroupLoads(
  client: Redis,
  queries: readonly GroupLoadQuery[],
  livenessMs: number,
  nowMs: number = Date.now(),
): Promise<GroupLoad[]> {
  const pipeline = client.pipeline();
  for (const q of queries) {
    pipeline.xinfo('GROUPS', q.stream);
    pipeline.zcount(q.presenceKey, nowMs - livenessMs, '+inf');
    pipeline.xlen(q.stream);
    // Heartbeats of consumers dead for long are garbage; keep the set small.
    pipeline.zremrangebyscore(q.presenceKey, '-inf', nowMs - livenessMs * 10);
  }
  const replies = (await pipeline.exec()) ?? [];
  return queries.map((q, i) => {
    const [groupsError, groups] = replies[i * 4];
    const [liveError, live] = replies[i * 4 + 1];
    const [, length] = replies[i * 4 + 2];
    if (liveError) throw liveError;
    if (groupsError && !/no such key/i.test(groupsError.message)) throw groupsError;
    const info = ((groups as unknown[][] | undefined) ?? []).map(pairsToObject).find((g) => g['name'] === q.group);
    return {
      stream: q.stream,
      group: q.group,
      exists: info !== undefined,
      lag: info ? toCount(info['lag'], Number(length ?? 0)) : Number(length ?? 0),
      pending: info ? toCount(info['pending'], 0) : 0,
      consumers: info ? toCount(info['consumers'], 0) : 0,
      liveConsumers: Number(live ?? 0),
    };
  });
}

/** XINFO replies are flat [name, value, name, value, ...] lists. */
export function pairsToObject(pairs: unknown[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) object[String(pairs[i])] = pairs[i + 1];
  return object;
}

export function toCount(value: unknown, fallback: number): number {
  return value === null || value === undefined ? fallback : Number(value);
}
