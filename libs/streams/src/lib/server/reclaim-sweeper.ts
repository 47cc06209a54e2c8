import type Redis from 'ioredis';
import { Logger } from '@streamscribe/observability';
import { ReclaimOptions } from '../interfaces/redis-streams-server-options.interface';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { errorMessage, sleep } from './loop-utils';
import { Reclaimer } from './reclaimer';
import { SlotGate } from './slot-gate';
import { streamGroupKey } from './stream-group-key';

/** A claimed entry waiting for a slot, with what its handler's context needs. */
export interface ReclaimedForDispatch {
  entry: StreamEntry;
  group: string;
  deliveryCount: number;
}

export interface ReclaimSweeperOptions {
  commands: Redis;
  consumer: string;
  reclaim: ReclaimOptions;
  gate: SlotGate<ReclaimedForDispatch>;
  /** Starts queued reclaimed entries in the slots free now. */
  dispatchReclaimed: () => void;
  /** Ends the blocked reads, whose reserved slots the queued entries wait for. */
  wakeReaders: () => Promise<void>;
  stopping: AbortSignal;
  log: Logger;
}

/**
 * Every intervalMs, claims entries idle past minIdleMs as far as free slots allow, and queues them
 * with their delivery count, so a handler can tell a poison message (delivered again and again)
 * from a first try.
 */
export class ReclaimSweeper {
  private readonly reclaimer: Reclaimer;
  private readonly cursors = new Map<string, string>();

  constructor(private readonly options: ReclaimSweeperOptions) {
    this.reclaimer = new Reclaimer(options.commands, options.consumer, options.reclaim.minIdleMs);
  }

  async run(streamsByGroup: Map<string, string[]>): Promise<void> {
    const { stopping, reclaim } = this.options;
    while (!stopping.aborted) {
      await sleep(reclaim.intervalMs, stopping);
      for (const [group, streams] of streamsByGroup) {
        for (const stream of streams) await this.sweep(stream, group);
      }
    }
  }

  private async sweep(stream: string, group: string): Promise<void> {
    const { gate, stopping, log } = this.options;
    const count = gate.reclaimRoom();
    if (stopping.aborted || count === 0) return;
    const key = streamGroupKey(stream, group);
    try {
      const { next, claimed } = await this.reclaimer.sweep(
        stream,
        group,
        this.cursors.get(key) ?? '0-0',
        count,
      );
      this.cursors.set(key, next);
      for (const { entry, deliveryCount, previousOwner, idleMs } of claimed) {
        log.info(
          { stream, entryId: entry.id, from: previousOwner, idleMs, deliveryCount },
          'entry reclaimed',
        );
      }
      gate.queueReclaimed(claimed.map(({ entry, deliveryCount }) => ({ entry, group, deliveryCount })));
      this.options.dispatchReclaimed();
      // Slots held by a blocked read: end the read now rather than after blockMs.
      if (gate.readHoldsReclaimed) await this.options.wakeReaders();
    } catch (error) {
      if (!stopping.aborted) log.warn({ err: errorMessage(error), stream, group }, 'reclaim sweep failed');
    }
  }
}
