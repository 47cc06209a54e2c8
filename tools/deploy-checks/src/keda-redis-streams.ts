import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { WORKSPACE_ROOT } from './grafana-dashboards';
import { parseYamlDocuments } from './kustomize';

/** The metadata of a KEDA `redis-streams` trigger that decides what it measures. */
export interface RedisStreamsTrigger {
  stream: string;
  consumerGroup?: string;
  lagCount?: string;
  pendingEntriesCount?: string;
  streamLength?: string;
  activationLagCount?: string;
}

/** The redis-streams trigger of the ScaledObject `name` in k8s/base/keda-scaledobjects.yaml. */
export function kedaTriggerOf(name: string): RedisStreamsTrigger {
  const file = join(WORKSPACE_ROOT, 'k8s/base/keda-scaledobjects.yaml');
  const scaled = parseYamlDocuments(readFileSync(file, 'utf8'), file).find(
    (o) => o.kind === 'ScaledObject' && o.metadata.name === name,
  );
  const trigger = scaled?.['spec'].triggers.find((t: { type: string }) => t.type === 'redis-streams');
  if (!trigger) throw new Error(`${file}: no redis-streams trigger on ScaledObject ${name}`);
  return trigger.metadata as RedisStreamsTrigger;
}

/** XINFO GROUPS as objects (ioredis answers each group as a flat name/value list). */
export async function xinfoGroups(redis: Redis, stream: string): Promise<Record<string, unknown>[]> {
  const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
  return groups.map((flat) => {
    const group: Record<string, unknown> = {};
    for (let i = 0; i < flat.length; i += 2) group[String(flat[i])] = flat[i + 1];
    return group;
  });
}

/**
 * The value KEDA's redis-streams scaler reports for a trigger, reproduced from its documentation
 * (keda.sh/docs/2.16/scalers/redis-streams): with `consumerGroup` and `lagCount`, the group's
 * `lag` from XINFO GROUPS (Redis >= 7); with `consumerGroup` alone, the group's pending entries
 * (XPENDING); with no group, the stream's length (XLEN). The HPA then aims at that value divided
 * by the trigger's target per replica.
 */
export async function kedaRedisStreamsMetric(redis: Redis, trigger: RedisStreamsTrigger): Promise<number> {
  if (!trigger.consumerGroup) return redis.xlen(trigger.stream);
  if (trigger.lagCount === undefined) {
    const [count] = (await redis.xpending(trigger.stream, trigger.consumerGroup)) as [number];
    return Number(count);
  }
  const group = (await xinfoGroups(redis, trigger.stream)).find((g) => g['name'] === trigger.consumerGroup);
  if (!group) throw new Error(`NOGROUP: ${trigger.consumerGroup} on ${trigger.stream}`);
  if (group['lag'] === null) throw new Error(`Redis cannot compute the lag of ${trigger.consumerGroup}`);
  return Number(group['lag']);
}
