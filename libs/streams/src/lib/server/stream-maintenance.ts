import type Redis from 'ioredis';
import { Logger, counter } from '@streamscribe/observability';
import { MaintenanceOptions } from '../interfaces/redis-streams-server-options.interface';
import { reapConsumersScript } from './scripts/reap-consumers.script';
import { trimAckedScript } from './scripts/trim-acked.script';
import { errorMessage, sleep } from './loop-utils';

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
  const removed = await trimAckedScript.run(client, { stream }, {});
  if (removed > 0) maintenanceMetrics.trimmed.inc({ stream }, removed);
  return removed;
}

/** Deletes the group's consumers idle past `idleMs` with nothing pending; returns their names. */
export async function reapIdleConsumers(
  client: Redis,
  stream: string,
  group: string,
  idleMs: number,
): Promise<string[]> {
  const reaped = await reapConsumersScript.run(client, { stream }, { idleMs, group });
  if (reaped.length > 0) maintenanceMetrics.reaped.inc({ stream, group }, reaped.length);
  return reaped;
}

/** Drops heartbeats older than `olderThanMs` from a presence set, so it holds only recent consumers. */
export async function prunePresence(client: Redis, key: string, olderThanMs: number): Promise<number> {
  return client.zremrangebyscore(key, '-inf', Date.now() - olderThanMs);
}

export interface MaintenanceContext {
  commands: Redis;
  presenceKeyFor?: (group: string) => string;
  log: Logger;
  /** Aborted when the server closes: the loop ends. */
  stopping: AbortSignal;
}

/**
 * Every intervalMs: trims each stream below what every group delivered and acknowledged, deletes
 * consumers gone idle with nothing pending, and prunes stale heartbeats. Every worker runs it; the
 * steps are single Lua calls, so replicas doing the same at once do no harm.
 */
export async function maintainStreams(
  streamsByGroup: Map<string, string[]>,
  options: MaintenanceOptions,
  ctx: MaintenanceContext,
): Promise<void> {
  while (!ctx.stopping.aborted) {
    await sleep(options.intervalMs, ctx.stopping);
    for (const [group, streams] of streamsByGroup) {
      if (ctx.stopping.aborted) break;
      // Each step on its own: a stream that cannot be trimmed must not stop reaping and pruning.
      for (const stream of streams) {
        if (options.trim)
          await attempt(ctx, { stream, step: 'trim' }, () => trimAcknowledged(ctx.commands, stream));
        await attempt(ctx, { stream, group, step: 'reap consumers' }, async () => {
          const reaped = await reapIdleConsumers(ctx.commands, stream, group, options.reapIdleMs);
          if (reaped.length > 0)
            ctx.log.info({ stream, group, consumers: reaped }, 'idle consumers removed from group');
        });
      }
      const presenceKey = ctx.presenceKeyFor?.(group);
      if (presenceKey)
        await attempt(ctx, { group, step: 'prune heartbeats' }, () =>
          prunePresence(ctx.commands, presenceKey, options.reapIdleMs),
        );
    }
  }
}

async function attempt(
  ctx: MaintenanceContext,
  where: Record<string, string>,
  step: () => Promise<unknown>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!ctx.stopping.aborted)
      ctx.log.warn({ err: errorMessage(error), ...where }, 'stream maintenance step failed');
  }
}
