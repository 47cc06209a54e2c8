import type Redis from 'ioredis';
import { KeyScheme, LiveEvent, SessionRef, encodeLiveEvent } from '@streamscribe/contracts';
import { appendLiveEventScript } from './scripts/append-live-event.script';
import { releaseLiveLeaseScript, renewLiveLeaseScript } from './scripts/renew-live-lease.script';
import { TakeLiveLeaseReply, takeLiveLeaseScript } from './scripts/take-live-lease.script';
import { writeLiveFinalScript } from './scripts/write-live-final.script';

/** One worker's hold on one assignment of a live session: the session, the epoch, who holds it. */
export interface LiveAssignment {
  ref: SessionRef;
  epoch: number;
  /** The worker's id (its consumer name); the lease holds `<holder> <epoch>`. */
  holder: string;
}

/**
 * A live worker's Redis writes, every one fenced by its epoch: the lease (take, renew, release),
 * events, finals (which advance the finalized offset and trim the audio log) and the close.
 * Nothing here blocks; the audio log is read with `LiveAudioLogReader` on its own connection.
 */
export class LiveWorkerStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: KeyScheme,
  ) {}

  takeLease(assignment: LiveAssignment, leaseMs: number): Promise<TakeLiveLeaseReply> {
    return takeLiveLeaseScript.run(
      this.client,
      { state: this.keys.liveStateKey(assignment.ref), lease: this.keys.liveLeaseKey(assignment.ref) },
      { epoch: assignment.epoch, holder: assignment.holder, leaseMs },
    );
  }

  /** False when the lease is no longer this assignment's (lapsed, taken over, reassigned). */
  renewLease(assignment: LiveAssignment, leaseMs: number): Promise<boolean> {
    return renewLiveLeaseScript.run(
      this.client,
      { state: this.keys.liveStateKey(assignment.ref), lease: this.keys.liveLeaseKey(assignment.ref) },
      { epoch: assignment.epoch, holder: assignment.holder, leaseMs },
    );
  }

  releaseLease(assignment: LiveAssignment): Promise<boolean> {
    return releaseLiveLeaseScript.run(
      this.client,
      { lease: this.keys.liveLeaseKey(assignment.ref) },
      { epoch: assignment.epoch, holder: assignment.holder },
    );
  }

  /** The entry id, or null when the session is no longer on this epoch. */
  appendEvent(assignment: LiveAssignment, event: LiveEvent): Promise<string | null> {
    return this.append(assignment, event, '');
  }

  /** The `closed` event and status `closed`, together; null when fenced. */
  markClosed(assignment: LiveAssignment, event: LiveEvent & { type: 'closed' }): Promise<string | null> {
    return this.append(assignment, event, 'closed');
  }

  /**
   * A final result: written with the finalized offset it reaches (bytes, frame-aligned) and the
   * first audio-log entry still needed after it (`trimBelow`; undefined keeps the log). Returns the
   * entry id and the session's finalized offset after it, or null when fenced.
   */
  writeFinal(
    assignment: LiveAssignment,
    event: LiveEvent & { type: 'results' },
    finalizedBytes: number,
    trimBelow: string | undefined,
  ): Promise<{ id: string; finalized: number } | null> {
    const { ref } = assignment;
    return writeLiveFinalScript.run(
      this.client,
      {
        state: this.keys.liveStateKey(ref),
        events: this.keys.liveEventsKey(ref),
        log: this.keys.liveAudioLogKey(ref),
      },
      {
        epoch: assignment.epoch,
        event: encodeLiveEvent(event),
        finalized: Math.max(0, Math.floor(finalizedBytes)),
        trimBelow: trimBelow ?? '',
      },
    );
  }

  private append(assignment: LiveAssignment, event: LiveEvent, status: string): Promise<string | null> {
    return appendLiveEventScript.run(
      this.client,
      { state: this.keys.liveStateKey(assignment.ref), events: this.keys.liveEventsKey(assignment.ref) },
      { epoch: assignment.epoch, event: encodeLiveEvent(event), status },
    );
  }
}
