import type Redis from 'ioredis';
import { counter } from '@streamscribe/observability';
import { RedisScript } from '../redis/redis-script';
import { REAP_CONSUMERS_LUA } from './scripts/reap-consumers-2.lua';
import { TRIM_ACKED_LUA } from './scripts/trim-acked-1.lua';

const trimAckedScript = new RedisScript('ssTrimAcked', 1, TRIM_ACKED_LUA);
const reapConsumersScript = new RedisScript('ssReapConsumers', 1, REAP_CONSUMERS_LUA);

export const maintenanceMetrics = {
  trimmed: counter({
    name: 'streamscribe_stream_trimmed_entries_total',
    help: 'Entries trimmed from a stream after every group delivered and acknowledged them',
    labelNames: ['stream'] as const,
  }),
  reaped: counter({
    name: 'streamscribe_consumers_reaped_total',
    help: 'Consumers deleted from a group after holding nothing pending and reading nothing for the reap idle time',
    labelNames: ['stream', 'group'] as const,
  }),
};

/** Trims a stream to what is still unacknowledged or undelivered; returns the entries removed. */
export async function trimAcknowledged(client: Redis, stream: string): Promise<number> {
  const removed = Number(await trimAckedScript.run(client, [stream], []));
  if (removed > 0) maintenanceMetrics.trimmed.inc({ stream }, removed);
  return removed;
}

/** Deletes the group's consumers idle past `idleMs` with nothing pending; returns their names. */
export async function reapIdleConsumers(client: Redis, stream: string, group: string, idleMs: number): Promise<string[]> {
  const reaped = (await reapConsumersScript.run(client, [stream], [idleMs, group])) as string[];
  if (reaped.length > 0) maintenanceMetrics.reaped.inc({ stream, group }, reaped.length);
  return reaped;
}

/** Drops heartbeats older than `olderThanMs` from a presence set, so it holds only recent consumers. */
export async function prunePresence(client: Redis, key: string, olderThanMs: number): Promise<number> {
  return client.zremrangebyscore(key, '-inf', Date.now() - olderThanMs);
}
