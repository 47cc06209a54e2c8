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
  /** The consumer that held it, and for how long it sat since that delivery (ms). */
  previousOwner?: string;
  idleMs?: number;
}

/** A pending entry idle past the min-idle time, as XPENDING tells it: a candidate for a claim. */
export interface PendingCandidate {
  id: string;
  owner: string;
  idleMs: number;
  deliveries: number;
}

type PendingRow = [string, string, number, number];
type AutoClaimReply = [Buffer, Array<[Buffer, Buffer[] | null]>, Buffer[]];

/**
 * One reclaim sweep step for a stream and group: XPENDING (IDLE) first, for each candidate's owner,
 * idle time and delivery count, then XAUTOCLAIM of as many as the caller chose, which re-checks
 * the idle time atomically (two sweepers never both get an entry) and drops entries whose data
 * was deleted or trimmed from the PEL, so they never linger as ghosts.
 */
export class Reclaimer {
  constructor(
    private readonly commands: Redis,
    private readonly consumer: string,
    private readonly minIdleMs: number,
  ) {}

  /**
   * Lists up to `most` candidates from `cursor` on, in PEL order, and claims the first `choose`
   * of them says (XAUTOCLAIM claims in the same order from the same cursor). With no candidate
   * left the next cursor is the start again.
   */
  async sweep(
    stream: string,
    group: string,
    cursor: string,
    most: number,
    choose: (candidates: PendingCandidate[]) => Promise<number>,
  ): Promise<{ next: string; claimed: ReclaimedEntry[] }> {
    const rows = (await this.commands.xpending(
      stream,
      group,
      'IDLE',
      this.minIdleMs,
      cursor === '0-0' ? '-' : cursor,
      '+',
      most,
    )) as PendingRow[];
    if (rows.length === 0) return { next: '0-0', claimed: [] };
    const candidates = rows.map(([id, owner, idle, deliveries]) => ({
      id,
      owner,
      idleMs: Number(idle),
      deliveries: Number(deliveries),
    }));
    const count = await choose(candidates);
    if (count === 0) return { next: cursor, claimed: [] };
    const known = new Map(candidates.map((candidate) => [candidate.id, candidate]));
    const [next, claimed, deleted] = (await this.commands.callBuffer(
      'XAUTOCLAIM',
      stream,
      group,
      this.consumer,
      this.minIdleMs,
      cursor,
      'COUNT',
      count,
    )) as AutoClaimReply;
    if (deleted?.length) transportMetrics.ghostsRemoved.inc({ stream, group }, deleted.length);
    const live = claimed.filter((pair): pair is [Buffer, Buffer[]] => pair[1] !== null);
    const missing = live.map(([id]) => id.toString()).filter((id) => !known.has(id));
    const afterClaim =
      missing.length > 0 ? await this.deliveryCounts(stream, group, missing) : new Map<string, number>();
    const result: ReclaimedEntry[] = live.map(([rawId, flat]) => {
      const id = rawId.toString();
      const before = known.get(id);
      transportMetrics.reclaimed.inc({ stream, group });
      if (before) reclaimIdleSeconds.observe({ stream, group }, before.idleMs / 1000);
      return {
        entry: { stream, id, fields: fieldsFromFlat(flat) },
        deliveryCount: before ? before.deliveries + 1 : (afterClaim.get(id) ?? 2),
        previousOwner: before?.owner,
        idleMs: before?.idleMs,
      };
    });
    return { next: next.toString(), claimed: result };
  }

  /**
   * Delivery counts read after the claim, for entries that became idle between the two calls: one
   * XPENDING per id (a range could be filled by this consumer's other entries).
   */
  private async deliveryCounts(stream: string, group: string, ids: string[]): Promise<Map<string, number>> {
    const pipeline = this.commands.pipeline();
    for (const id of ids) pipeline.xpending(stream, group, id, id, 1);
    const replies = (await pipeline.exec()) ?? [];
    const counts = new Map<string, number>();
    for (const [error, rows] of replies) {
      const [row] = (error ? [] : rows) as PendingRow[];
      if (row) counts.set(row[0], Number(row[3]));
    }
    return counts;
  }
}
