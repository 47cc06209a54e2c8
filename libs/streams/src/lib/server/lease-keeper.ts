import type Redis from 'ioredis';
import { counter } from '@streamscribe/observability';
import { renewLeasesScript } from './scripts/renew-leases.script';

const leasesLost = counter({
  name: 'streamscribe_leases_lost_total',
  help: 'In-flight entries a peer reclaimed before this consumer finished them (its handler ran longer than the min-idle time between renewals)',
  labelNames: ['stream', 'group'] as const,
});

export interface InFlightEntry {
  stream: string;
  group: string;
  id: string;
}

/**
 * Keeps the entries a consumer is handling from looking abandoned: renews their idle time in the
 * PEL well within the reclaim min-idle time. So min-idle bounds how long a crashed worker's
 * chunks wait, not how long a live worker may take on one.
 */
export class LeaseKeeper {
  constructor(
    private readonly commands: Redis,
    private readonly consumer: string,
  ) {}

  /**
   * Renews the leases of these entries; returns the ids whose lease was lost. `stillHeld` filters
   * out entries that finished (acked, moved) while the renewal ran: those were not lost.
   */
  async renew(entries: Iterable<InFlightEntry>, stillHeld: (id: string) => boolean = () => true): Promise<string[]> {
    const byStream = new Map<string, InFlightEntry[]>();
    for (const entry of entries) {
      const key = `${entry.stream}\u0000${entry.group}`;
      byStream.set(key, [...(byStream.get(key) ?? []), entry]);
    }
    const lost: string[] = [];
    for (const group of byStream.values()) {
      const { stream, group: name } = group[0];
      const answered = await renewLeasesScript.run(this.commands, { stream }, { group: name, consumer: this.consumer }, group.map((e) => e.id));
      const ids = answered.filter(stillHeld);
      if (ids.length > 0) leasesLost.inc({ stream, group: name }, ids.length);
      lost.push(...ids);
    }
    return lost;
  }
}
