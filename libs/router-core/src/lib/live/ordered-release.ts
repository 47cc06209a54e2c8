import type { TranscriptionResultEntry } from '@streamscribe/contracts';
import { LiveEvent, liveResultOf } from './live-event';

/**
 * Releases a session's results in audio order whatever order they land in: a result waits until
 * every earlier seq has been released, or until it has waited `holdMs`, when the missing seqs are
 * released as gaps. Pure (time is passed in), so the ordering rules are tested without a clock.
 */
export class OrderedRelease {
  private readonly held = new Map<number, TranscriptionResultEntry>();
  private readonly gaps = new Set<number>();
  /** Since when the head of the queue has been blocked by a missing seq. */
  private blockedSince?: number;

  /** @param releasedThrough the last seq the client already has (-1: none). */
  constructor(
    private releasedThrough: number,
    private readonly holdMs: number,
  ) {}

  get lastReleasedSeq(): number {
    return this.releasedThrough;
  }

  get holding(): number {
    return this.held.size;
  }

  /** Takes a landed result; returns what can go out now. */
  add(result: TranscriptionResultEntry, nowMs: number): LiveEvent[] {
    if (result.seq === undefined) return [{ event: 'result', data: liveResultOf(result) }];
    if (result.seq <= this.releasedThrough) {
      if (!this.gaps.delete(result.seq)) return [];
      return [{ event: 'result', id: String(this.releasedThrough), data: liveResultOf(result, true) }];
    }
    this.held.set(result.seq, result);
    return this.release(nowMs);
  }

  /** Releases whatever is due: the next seqs in order, and gaps whose hold ran out. */
  release(nowMs: number): LiveEvent[] {
    const events: LiveEvent[] = [];
    while (this.held.size > 0) {
      const next = this.releasedThrough + 1;
      const result = this.held.get(next);
      if (result) {
        this.held.delete(next);
        this.releasedThrough = next;
        this.blockedSince = undefined;
        events.push({ event: 'result', id: String(next), data: liveResultOf(result) });
        continue;
      }
      this.blockedSince ??= nowMs;
      const heldMs = nowMs - this.blockedSince;
      if (heldMs < this.holdMs) break;
      this.gaps.add(next);
      this.releasedThrough = next;
      events.push({ event: 'gap', id: String(next), data: { seq: next, heldMs } });
    }
    if (this.held.size === 0) this.blockedSince = undefined;
    return events;
  }

  /** How long until a held result's hold runs out, or undefined when nothing is held. */
  msUntilDue(nowMs: number): number | undefined {
    if (this.blockedSince === undefined) return undefined;
    return Math.max(0, this.blockedSince + this.holdMs - nowMs);
  }
}
