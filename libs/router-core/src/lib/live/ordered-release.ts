import type { TranscriptionResultEntry } from '@streamscribe/contracts';
import { LiveEvent, liveResultOf } from './live-event';

/**
 * Releases a session's results in audio order whatever order they land in: a result waits until
 * every earlier seq has been released, or until it has waited `holdMs`, when the missing seqs are
 * released as one gap (a range, however many seqs it spans: seqs need not be dense). A result
 * that lands for a gapped seq later goes out once, marked late; so does one for a seq the client
 * resumed past without it ever having landed. Pure (time is passed in), so the ordering rules are
 * tested without a clock.
 */
export class OrderedRelease {
  private readonly held = new Map<number, TranscriptionResultEntry>();
  /** Released as gaps, inclusive ranges. */
  private readonly gaps: Array<[number, number]> = [];
  /** Seqs whose late result went out already. */
  private readonly sentLate = new Set<number>();
  /** Whether a seq at or below the resume point had a result when the client resumed. */
  private resumedWith?: (seq: number) => boolean;
  private readonly resumePoint: number;
  /** Since when the head of the queue has been blocked by a missing seq. */
  private blockedSince?: number;

  /** @param releasedThrough the last seq the client already has (-1: none). */
  constructor(
    private releasedThrough: number,
    private readonly holdMs: number,
  ) {
    this.resumePoint = releasedThrough;
  }

  get lastReleasedSeq(): number {
    return this.releasedThrough;
  }

  get holding(): number {
    return this.held.size;
  }

  /**
   * After the first read of a resumed feed: which seqs up to the resume point had results then.
   * Any other seq up to it that lands later was missing when the client went away: it goes out
   * as late rather than being taken for one the client has. A predicate lets feeds share one
   * record of the session instead of each keeping a set of its seqs.
   */
  resumedWithSeqs(seqs: Iterable<number> | ((seq: number) => boolean)): void {
    if (typeof seqs === 'function') {
      this.resumedWith = seqs;
      return;
    }
    const had = new Set([...seqs].filter((seq) => seq <= this.resumePoint));
    this.resumedWith = (seq) => had.has(seq);
  }

  /** Takes a landed result; returns what can go out now. */
  add(result: TranscriptionResultEntry, nowMs: number): LiveEvent[] {
    if (result.seq === undefined) return [{ event: 'result', data: liveResultOf(result) }];
    if (result.seq <= this.releasedThrough) {
      if (!this.missedByClient(result.seq)) return [];
      this.sentLate.add(result.seq);
      return [{ event: 'result', id: String(this.releasedThrough), data: liveResultOf(result, true) }];
    }
    this.held.set(result.seq, result);
    return this.release(nowMs);
  }

  /**
   * An "ok" that superseded a chunk's "failed" result (a re-drive, a hedge, a peer finishing it):
   * replaces the held one, or goes out at once marked late when the failed one went out already.
   */
  supersede(result: TranscriptionResultEntry): LiveEvent[] {
    if (result.seq !== undefined && this.held.has(result.seq)) {
      this.held.set(result.seq, result);
      return [];
    }
    const id = result.seq === undefined ? undefined : String(this.releasedThrough);
    return [
      { event: 'result', ...(id ? { id } : {}), data: { ...liveResultOf(result, true), supersedes: true } },
    ];
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
      const through = Math.min(...this.held.keys()) - 1;
      this.gaps.push([next, through]);
      this.releasedThrough = through;
      events.push({ event: 'gap', id: String(through), data: { seq: next, through, heldMs } });
    }
    if (this.held.size === 0) this.blockedSince = undefined;
    return events;
  }

  /** How long until a held result's hold runs out, or undefined when nothing is held. */
  msUntilDue(nowMs: number): number | undefined {
    if (this.blockedSince === undefined) return undefined;
    return Math.max(0, this.blockedSince + this.holdMs - nowMs);
  }

  private missedByClient(seq: number): boolean {
    if (this.sentLate.has(seq)) return false;
    if (this.gaps.some(([from, to]) => from <= seq && seq <= to)) return true;
    return this.resumedWith !== undefined && seq <= this.resumePoint && !this.resumedWith(seq);
  }
}
