import type Redis from 'ioredis';
import { Logger, counter } from '@streamscribe/observability';
import { errorMessage, settleWithin, sleep } from './loop-utils';
import { renewLeasesScript } from './scripts/renew-leases.script';
import { streamGroupKey } from './stream-group-key';

export const leasesLost = counter({
  name: 'streamscribe_leases_lost_total',
  help: 'In-flight entries a peer reclaimed before this consumer finished them (its handler ran longer than the min-idle time between renewals)',
  labelNames: ['stream', 'group'] as const,
});

export interface InFlightEntry {
  stream: string;
  group: string;
  id: string;
}

export interface LeaseRenewal {
  commands: Redis;
  /** The reclaim min-idle time, in ms: leases are renewed three times within it. */
  minIdleMs: number;
  /** Entries claimed but not started yet: they are this consumer's too. */
  queued: () => Iterable<InFlightEntry>;
}

/**
 * Holds the entries a consumer is handling, and keeps them from looking abandoned: renews their
 * idle time in the PEL well within the reclaim min-idle time. So min-idle bounds how long a crashed
 * worker's entries wait, not how long a live worker may take on one. It keeps renewing during the
 * drain (entries still running then are nobody else's yet) and stops when told the drain is over,
 * so what is left then becomes reclaimable.
 */
export class LeaseKeeper {
  private readonly inFlight = new Map<Promise<void>, InFlightEntry>();
  private readonly releasing = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly consumer: string,
    private readonly log: Logger,
  ) {}

  /** Entries being handled right now. */
  get size(): number {
    return this.inFlight.size;
  }

  /**
   * Counts `work` as in flight on `entry` until it settles; then `settled` runs (the entry no
   * longer counts by then). `work` is expected never to reject: its failures are its own to report.
   */
  hold(entry: InFlightEntry, work: Promise<void>, settled: () => void = () => undefined): void {
    const release = () => {
      this.inFlight.delete(held);
      settled();
    };
    const held = work.then(release, release);
    this.inFlight.set(held, entry);
  }

  /** Waits up to timeoutMs for the work in flight now; false when some was still running then. */
  settle(timeoutMs: number): Promise<boolean> {
    return settleWithin([...this.inFlight.keys()], timeoutMs);
  }

  start(renewal: LeaseRenewal): void {
    this.loop ??= this.renewUntilReleased(renewal);
  }

  /** Stops renewing: whatever is still in flight becomes reclaimable once its lease lapses. */
  stop(): Promise<void> {
    this.releasing.abort();
    return this.loop ?? Promise.resolve();
  }

  private async renewUntilReleased({ commands, minIdleMs, queued }: LeaseRenewal): Promise<void> {
    const period = Math.max(10, Math.floor(minIdleMs / 3));
    const released = this.releasing.signal;
    while (!released.aborted) {
      await sleep(period, released);
      const held = [...this.inFlight.values(), ...queued()];
      if (held.length === 0 || released.aborted) continue;
      try {
        const holds = (id: string) =>
          [...this.inFlight.values(), ...queued()].some((entry) => entry.id === id);
        const lost = await this.renew(commands, held, holds);
        if (lost.length > 0)
          this.log.warn(
            { entryIds: lost },
            'a peer reclaimed entries still in flight here; they may be handled twice',
          );
      } catch (error) {
        this.log.warn({ err: errorMessage(error) }, 'lease renewal failed');
      }
    }
  }

  /**
   * Renews the leases of these entries; returns the ids whose lease was lost. `stillHeld` filters
   * out entries that finished (acked, moved) while the renewal ran: those were not lost. One script
   * call per stream and group (a script's keys must share a Cluster slot, and partitions do not),
   * all sent at once.
   */
  private async renew(
    commands: Redis,
    entries: InFlightEntry[],
    stillHeld: (id: string) => boolean,
  ): Promise<string[]> {
    const byStream = new Map<string, InFlightEntry[]>();
    for (const entry of entries) {
      const key = streamGroupKey(entry.stream, entry.group);
      byStream.set(key, [...(byStream.get(key) ?? []), entry]);
    }
    const lostPerStream = await Promise.all(
      [...byStream.values()].map(async (held) => {
        const { stream, group } = held[0];
        const answered = await renewLeasesScript.run(
          commands,
          { stream },
          { group, consumer: this.consumer },
          held.map((e) => e.id),
        );
        const ids = answered.filter(stillHeld);
        if (ids.length > 0) leasesLost.inc({ stream, group }, ids.length);
        return ids;
      }),
    );
    return lostPerStream.flat();
  }
}
