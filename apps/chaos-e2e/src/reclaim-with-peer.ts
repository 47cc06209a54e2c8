import { WorkerLifetime, logRecords } from '@streamscribe/testing';

/** One "reclaimed entry started" line: whose entry, on which stream, when it was claimed, how long it waited. */
export interface ReclaimedStart {
  stream: string;
  from: string;
  claimedAt: number;
  waitMs: number;
}

/** A worker's "reclaimed entry started" log lines. */
export function reclaimedStarts(logs: string): ReclaimedStart[] {
  type Logged = { stream: string; from: string; time: string; queuedMs: number; waitMs: number };
  return logRecords<Logged>(logs, 'reclaimed entry started').map((record) => ({
    stream: record.stream,
    from: record.from,
    claimedAt: Date.parse(record.time) - record.queuedMs,
    waitMs: record.waitMs,
  }));
}

/** Whether the union of the peers' up-times covers [from, to] without a gap. */
function coveredByPeers(peers: readonly WorkerLifetime[], from: number, to: number): boolean {
  let reached = from;
  for (const peer of [...peers].sort((a, b) => a.readyAt - b.readyAt)) {
    if (peer.readyAt > reached) break;
    reached = Math.max(reached, peer.killedAt ?? Number.POSITIVE_INFINITY);
    if (reached >= to) return true;
  }
  return reached >= to;
}

/**
 * The reclaim waits (ms) on the streams `onStream` accepts of entries whose owner was SIGKILLed
 * while at least one peer of the same app stayed ready from the kill until the claim: the case the
 * reclaim target is set for ("dead workers always have a live peer"). The chaos spares only the
 * last ready worker of the whole fleet, so both Deepgram workers are sometimes down at once; an
 * entry then waits for a restart, not for a sweep, and is left out here (the all-entries figure
 * beside it keeps them). Owners are matched by the pid a consumer name ends with.
 */
export function reclaimWaitsWithLivePeer(
  starts: readonly ReclaimedStart[],
  lifetimes: readonly WorkerLifetime[],
  onStream: (stream: string) => boolean,
): number[] {
  const byPid = new Map(lifetimes.filter((l) => l.pid !== undefined).map((l) => [l.pid as number, l]));
  const waits: number[] = [];
  for (const start of starts) {
    if (!onStream(start.stream) || !start.from) continue;
    const owner = byPid.get(Number(/-(\d+)$/.exec(start.from)?.[1]));
    if (owner?.killedAt === undefined) continue;
    const peers = lifetimes.filter((l) => l !== owner && l.app === owner.app);
    if (coveredByPeers(peers, owner.killedAt, start.claimedAt)) waits.push(start.waitMs);
  }
  return waits;
}
