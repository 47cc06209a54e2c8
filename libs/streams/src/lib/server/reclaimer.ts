import type Redis from 'ioredis';
import { fieldsFromFlat } from '@streamscribe/contracts';
import { LATENCY_BUCKETS, histogram } from '@streamscribe/observability';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { transportMetrics } from './transport-metrics';

export const reclaimIdleSeconds = histogram({
  name: 'streamscribe_reclaim_idle_seconds',
  help: 'How long a reclaimed entry sat pending since its last delivery before a peer claimed it (at least the min-idle time)',
  labelNames: ['stream', 'group'] as const,
  buckets: [...LATENCY_BUCKETS, 300, 600],
});

export interface ReclaimedEntry {
  entry: StreamEntry;
  /** Deliveries so far, this one included. */
  deliveryCount: number;
  /** The consumer that held it, and for how long it sat since that delivery (ms), from XPENDING. */
  previousOwner: string;
  idleMs: number;
}

/** A pending entry idle past the min-idle time, as XPENDING tells it: a candidate for a claim. */
export interface PendingCandidate {
  id: string;
  owner: string;
  idleMs: number;
  deliveries: number;
}

type PendingRow = [string, string, number, number];
type ClaimReply = Array<[Buffer, Buffer[] | null]>;

/** The cursor of a sweep that starts at the beginning of the PEL. */
const START = '0-0';

/**
 * One reclaim sweep step for a stream and group: XPENDING (IDLE) first, for each candidate's owner,
 * idle time and delivery count, then XCLAIM of the candidates the caller chose (any of them, not
 * only a prefix: an entry this consumer may not take now must not hold back a dead owner's behind
 * it). XCLAIM re-checks the idle time atomically (two sweepers never both get an entry) and drops
 * entries whose data was deleted or trimmed from the PEL, so they never linger as ghosts.
 */
export class Reclaimer {
  constructor(
    private readonly commands: Redis,
    private readonly consumer: string,
    private readonly minIdleMs: number,
  ) {}

  /**
   * Lists up to `most` candidates after `cursor`, in PEL order, and claims those `choose` picks.
   * The next cursor is the last candidate listed (exclusive), or the start again once the PEL's
   * end is reached, so entries passed over are met again on the next round.
   */
  async sweep(
    stream: string,
    group: string,
    cursor: string,
    most: number,
    choose: (candidates: PendingCandidate[]) => Promise<PendingCandidate[]>,
  ): Promise<{ next: string; claimed: ReclaimedEntry[] }> {
    const rows = (await this.commands.xpending(
      stream,
      group,
      'IDLE',
      this.minIdleMs,
      cursor === START ? '-' : cursor,
      '+',
      most,
    )) as PendingRow[];
    const next = rows.length < most ? START : `(${rows[rows.length - 1][0]}`;
    const candidates = rows.map(([id, owner, idle, deliveries]) => ({
      id,
      owner,
      idleMs: Number(idle),
      deliveries: Number(deliveries),
    }));
    const chosen = candidates.length > 0 ? await choose(candidates) : [];
    if (chosen.length === 0) return { next, claimed: [] };
    const reply = (await this.commands.callBuffer(
      'XCLAIM',
      stream,
      group,
      this.consumer,
      this.minIdleMs,
      ...chosen.map((candidate) => candidate.id),
    )) as ClaimReply;
    // Redis 7 leaves deleted entries out of the reply; older servers answer them as nil.
    const claimed = reply.filter((pair): pair is [Buffer, Buffer[]] => pair[1] !== null);
    const got = new Set(claimed.map(([id]) => id.toString()));
    const notClaimed = chosen.filter((candidate) => !got.has(candidate.id)).map((c) => c.id);
    if (notClaimed.length > 0) await this.countGhosts(stream, group, notClaimed);
    const byId = new Map(chosen.map((candidate) => [candidate.id, candidate]));
    const result: ReclaimedEntry[] = claimed.map(([rawId, flat]) => {
      const id = rawId.toString();
      const before = byId.get(id) as PendingCandidate;
      transportMetrics.reclaimed.inc({ stream, group });
      reclaimIdleSeconds.observe({ stream, group }, before.idleMs / 1000);
      return {
        entry: { stream, id, fields: fieldsFromFlat(flat) },
        deliveryCount: before.deliveries + 1,
        previousOwner: before.owner,
        idleMs: before.idleMs,
      };
    });
    return { next, claimed: result };
  }

  /**
   * Chosen entries XCLAIM did not return: either renewed or claimed by someone else meanwhile (still
   * pending), or deleted from the stream, which XCLAIM (Redis 7) drops from the PEL: those count as
   * ghosts removed. One XPENDING per id (a range could hold other entries).
   */
  private async countGhosts(stream: string, group: string, ids: string[]): Promise<void> {
    const pipeline = this.commands.pipeline();
    for (const id of ids) pipeline.xpending(stream, group, id, id, 1);
    const replies = (await pipeline.exec()) ?? [];
    const gone = replies.filter(([error, rows]) => !error && (rows as PendingRow[]).length === 0).length;
    if (gone > 0) transportMetrics.ghostsRemoved.inc({ stream, group }, gone);
  }
}
