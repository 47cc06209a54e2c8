import type Redis from 'ioredis';
import { Logger } from '@streamscribe/observability';
import { ensureGroup, reconnectDelayMs } from '@streamscribe/redis';
import { errorMessage, sleep } from './loop-utils';

export interface GroupMembershipOptions {
  commands: Redis;
  consumer: string;
  groupFor: (stream: string) => string;
  /** Sorted set the heartbeat goes to (consumer → time); no heartbeat when absent. */
  presenceKeyFor?: (group: string) => string;
  /** Aborted by close(): stops waiting for Redis to create the groups. */
  stopping: AbortSignal;
  log: Logger;
}

/**
 * The consumer's place in its groups: it creates them (waiting for Redis when need be), beats a
 * heartbeat so routers see it alive before its pending entries say so, and on leaving removes the
 * heartbeat and, where it holds nothing pending, itself from the group.
 */
export class GroupMembership {
  private heartbeat?: NodeJS.Timeout;

  constructor(private readonly options: GroupMembershipOptions) {}

  /**
   * Creates the groups, waiting for Redis with backoff when it is not there yet (a worker started
   * before Redis, or during a restart): the worker then starts late instead of crash-looping.
   */
  async join(group: string, streams: string[]): Promise<void> {
    const { commands, stopping, log } = this.options;
    for (let attempt = 1; !stopping.aborted; attempt++) {
      try {
        await Promise.all(streams.map((stream) => ensureGroup(commands, stream, group)));
        return;
      } catch (error) {
        if (attempt === 1)
          log.warn(
            { err: errorMessage(error), group },
            'cannot create consumer group yet; waiting for Redis',
          );
        await sleep(reconnectDelayMs(attempt), stopping);
      }
    }
  }

  startHeartbeat(groups: string[], intervalMs: number): void {
    const { commands, consumer, presenceKeyFor } = this.options;
    if (!presenceKeyFor) return;
    // One command per group, not a pipeline: on Redis Cluster the groups' keys may live on
    // different nodes, and a Cluster pipeline must stay in one slot.
    const beat = () => {
      for (const group of groups)
        commands.zadd(presenceKeyFor(group), Date.now(), consumer).catch(() => undefined);
    };
    beat();
    this.heartbeat = setInterval(beat, intervalMs);
    this.heartbeat.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.heartbeat);
  }

  /** Leaves presence, and (when the drain finished) the groups where this consumer holds nothing pending. */
  async leave(streams: string[], drained: boolean): Promise<void> {
    const { commands, consumer, groupFor, presenceKeyFor } = this.options;
    if (commands.status !== 'ready') return;
    for (const stream of streams) {
      const group = groupFor(stream);
      if (presenceKeyFor) await commands.zrem(presenceKeyFor(group), consumer).catch(() => undefined);
      if (!drained) continue;
      const summary = (await commands
        .xpending(stream, group, '-', '+', 1, consumer)
        .catch(() => [null])) as unknown[];
      // XGROUP DELCONSUMER would drop the consumer's pending entries; only leave when it holds none.
      if (summary.length === 0)
        await commands.xgroup('DELCONSUMER', stream, group, consumer).catch(() => undefined);
    }
  }
}
