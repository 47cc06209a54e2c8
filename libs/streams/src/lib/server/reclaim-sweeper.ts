import type Redis from 'ioredis';
import { LATENCY_BUCKETS, Logger, histogram } from '@streamscribe/observability';
import { ReclaimOptions } from '../interfaces/redis-streams-server-options.interface';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { errorMessage, sleep } from './loop-utils';
import { PendingCandidate, Reclaimer } from './reclaimer';
import { SlotGate } from './slot-gate';
import { streamGroupKey } from './stream-group-key';

export const reclaimWaitSeconds = histogram({
  name: 'streamscribe_reclaim_wait_seconds',
  help: 'How long a reclaimed entry waited, from its previous owner last delivering or renewing it until a handler started it here: the idle time at the claim plus the time queued for a slot',
  labelNames: ['stream', 'group'] as const,
  buckets: [...LATENCY_BUCKETS, 300, 600],
});

/** A claimed entry waiting for a slot, with what its handler's context needs. */
export interface ReclaimedForDispatch {
  entry: StreamEntry;
  group: string;
  deliveryCount: number;
  previousOwner: string;
  /** How long it sat since its previous owner last touched it, when claimed (ms). */
  idleMs: number;
  /** When it was claimed (Date.now()). */
  claimedAt: number;
}

export interface ReclaimSweeperOptions {
  commands: Redis;
  consumer: string;
  reclaim: ReclaimOptions;
  gate: SlotGate<ReclaimedForDispatch>;
  /** Heartbeats (consumer → ms): an owner without a recent one is dead. None: min-idle alone says so. */
  presenceKeyFor?: (group: string) => string;
  /** Heartbeat period in ms: an owner whose last beat is two periods old is dead. */
  presenceIntervalMs: number;
  /** Ends the blocked reads, whose reserved slots the queued entries wait for. */
  wakeReaders: () => Promise<void>;
  stopping: AbortSignal;
  log: Logger;
}

/**
 * Every intervalMs, claims entries idle past minIdleMs and queues them (ahead of new reads) with
 * their delivery count, so a handler can tell a poison message (delivered again and again) from a
 * first try. Entries of a dead owner (no recent heartbeat) are claimed in a batch, up to the
 * concurrency, however busy this process is: their owner is gone, so they go first. Entries a live
 * owner left pending (its handler failed) are claimed only into free slots, one at a time when
 * busy, so retries are spread across the fleet.
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
    const most = Math.max(gate.reclaimRoomForDead(), gate.reclaimRoomForLive());
    if (stopping.aborted || most === 0) return;
    const key = streamGroupKey(stream, group);
    try {
      const { next, claimed } = await this.reclaimer.sweep(
        stream,
        group,
        this.cursors.get(key) ?? '0-0',
        most,
        (candidates) => this.claimable(group, candidates),
      );
      this.cursors.set(key, next);
      const claimedAt = Date.now();
      for (const { entry, previousOwner, idleMs, deliveryCount } of claimed) {
        log.info(
          { stream, entryId: entry.id, from: previousOwner, idleMs, deliveryCount },
          'entry reclaimed',
        );
      }
      gate.queueReclaimed(claimed.map((reclaimed) => ({ ...reclaimed, group, claimedAt })));
      // Slots held by a blocked read: end the read now rather than after blockMs.
      if (gate.readHoldsReclaimed) await this.options.wakeReaders();
    } catch (error) {
      if (!stopping.aborted) log.warn({ err: errorMessage(error), stream, group }, 'reclaim sweep failed');
    }
  }

  /**
   * Which candidates to claim: a dead owner's while the room for those lasts, a live owner's while
   * free slots do. One not taken is passed over, not a stop: XCLAIM takes any of them.
   */
  private async claimable(group: string, candidates: PendingCandidate[]): Promise<PendingCandidate[]> {
    const { gate } = this.options;
    const dead = await this.deadOwners(group, candidates);
    let forDead = gate.reclaimRoomForDead();
    let forLive = gate.reclaimRoomForLive();
    return candidates.filter(({ owner }) => {
      if (dead.has(owner)) return forDead-- > 0;
      return forLive-- > 0;
    });
  }

  /** The owners among the candidates whose heartbeat stopped (or, with no heartbeats, all of them). */
  private async deadOwners(group: string, candidates: PendingCandidate[]): Promise<Set<string>> {
    const { commands, presenceKeyFor, presenceIntervalMs } = this.options;
    const owners = [...new Set(candidates.map((candidate) => candidate.owner))];
    if (!presenceKeyFor) return new Set(owners);
    const beats = (await commands.zmscore(presenceKeyFor(group), ...owners)) as Array<string | null>;
    const aliveSince = Date.now() - 2 * presenceIntervalMs;
    return new Set(owners.filter((_, at) => beats[at] === null || Number(beats[at]) < aliveSince));
  }
}

/** A reclaimed entry starts here: how long it waited since its previous owner last touched it. */
export function reportReclaimedStart(reclaimed: ReclaimedForDispatch, log: Logger): void {
  const { entry, group, previousOwner, idleMs, claimedAt, deliveryCount } = reclaimed;
  const queuedMs = Date.now() - claimedAt;
  const waitMs = idleMs + queuedMs;
  reclaimWaitSeconds.observe({ stream: entry.stream, group }, waitMs / 1000);
  log.info(
    { stream: entry.stream, entryId: entry.id, from: previousOwner, idleMs, queuedMs, waitMs, deliveryCount },
    'reclaimed entry started',
  );
}
