/** A read loop's place at the gate (`SlotGate.addReader`). */
export type ReaderId = number;

/** What a read loop uses of the gate; nothing of it depends on what the reclaimed queue holds. */
export type ReaderSlots = Pick<SlotGate<unknown>, 'addReader' | 'reserveForRead' | 'endRead'>;

export interface SlotGateOptions<Reclaimed> {
  /** Entries handled at once by this process: the bound that always holds. */
  concurrency: number;
  /** Handlers running now, reclaimed ones included. */
  inFlight: () => number;
  /**
   * Starts a queued reclaimed entry now, counting it in `inFlight` before it returns; the gate
   * calls it only in a slot that nobody holds. `reclaimedFinished` says when its handler is done.
   */
  startReclaimed: (entry: Reclaimed) => void;
  /**
   * Ends a reader's blocked read early (it returns nothing; CLIENT UNBLOCK), so the slots it holds
   * come back: asked when another reader waits for slots while this one holds several.
   */
  wakeReader: (reader: ReaderId) => void;
}

/**
 * Who may fill the process's `concurrency` slots, and when. Three kinds of holder share them:
 * handlers in flight (counted by `inFlight`), reservations (the slots a blocked XREADGROUP may fill
 * when it returns) and reclaimed entries queued for a slot. The bound holds with all three
 * together: a read reserves only what neither handlers nor other reads hold, and a queued entry
 * starts only in a slot no read holds.
 *
 * Several readers (one per partition) share the slots fairly: a reader waiting for slots reserves
 * its share of the free ones (free / readers without a reservation, at least one), in turn; one
 * whose last read returned nothing reserves one (enough to see its partition's next entry). When a
 * reader must wait, those holding several slots for a blocked read are woken, so an idle
 * partition's read gives back what a busy one needs instead of holding it for up to blockMs.
 *
 * Reclaimed entries go first into a freed slot: their previous owner died, so they have waited
 * longest. Their share is bounded (`reclaimedCap`: each reader keeps at least one slot) while
 * readers wait, so a stream of reclaimed work never starves new reads.
 *
 * Pure bookkeeping, no Redis: the server starts what `startReclaimed` hands over at once and
 * calls `handlerFinished` whenever a handler finishes.
 */
export class SlotGate<Reclaimed> {
  private readonly concurrency: number;
  private readonly reservations = new Map<ReaderId, number>();
  /** Readers asked to wake during their current read: asked once per read. */
  private readonly wakeAsked = new Set<ReaderId>();
  /** Readers whose last read returned nothing: their partition is idle, one slot will do. */
  private readonly idle = new Set<ReaderId>();
  private readonly waiting: Array<{ reader: ReaderId; grant: (count: number) => void }> = [];
  private readonly queue: Reclaimed[] = [];
  private readers = 0;
  private reserved = 0;
  private reclaimedRunning = 0;
  private closed = false;

  constructor(private readonly options: SlotGateOptions<Reclaimed>) {
    this.concurrency = options.concurrency;
  }

  /** A read loop joins; every reader counts in the fair share from then on. */
  addReader(): ReaderId {
    this.readers += 1;
    return this.readers;
  }

  /** Slots held by reads blocked right now. */
  get reservedForReads(): number {
    return this.reserved;
  }

  /** Reclaimed entries waiting for a slot, oldest first. */
  get queued(): readonly Reclaimed[] {
    return this.queue;
  }

  /** Reclaimed entries running now: at most `reclaimedCap` while readers wait. */
  get reclaimedInFlight(): number {
    return this.reclaimedRunning;
  }

  /** The most slots reclaimed entries may take while readers wait: each reader keeps one. */
  get reclaimedCap(): number {
    return Math.max(1, this.concurrency - this.readers);
  }

  /**
   * Waits for this reader's turn and share of the free slots, and reserves them in the same step
   * (two readers never count the same slot). They stay reserved while the read blocks, so reclaimed
   * entries started meanwhile cannot push the process over its concurrency when the read returns.
   * 0 once the gate is closed.
   */
  reserveForRead(reader: ReaderId): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    const granted = new Promise<number>((grant) => this.waiting.push({ reader, grant }));
    this.grant();
    return granted;
  }

  /**
   * The read returned `entries` entries, all started by now (counted in `inFlight`): its
   * reservation ends.
   */
  endRead(reader: ReaderId, entries: number): void {
    this.reserved -= this.reservations.get(reader) ?? 0;
    this.reservations.delete(reader);
    this.wakeAsked.delete(reader);
    if (entries === 0) this.idle.add(reader);
    else this.idle.delete(reader);
    this.grant();
  }

  /** A handler finished: its slot goes to a queued reclaimed entry, or to a waiting reader. */
  handlerFinished(reclaimed: boolean): void {
    if (reclaimed) this.reclaimedRunning -= 1;
    this.grant();
  }

  /**
   * How many entries of consumers that died a reclaim sweep may claim now: the queue holds up to
   * `concurrency`, since they go ahead of new reads. A dead consumer's batch is then claimed in one
   * sweep, not one entry per sweep, and its entries start as this process's slots free.
   */
  reclaimRoomForDead(): number {
    return this.closed ? 0 : Math.max(0, this.concurrency - this.queue.length);
  }

  /**
   * How many entries of consumers still alive (a handler failed and left its entry pending) a
   * sweep may claim: as many as there are free slots; a busy process still takes one when none
   * is queued, so retries go on in a saturated fleet, but no worker hoards them.
   */
  reclaimRoomForLive(): number {
    if (this.closed) return 0;
    const room = this.concurrency - this.options.inFlight() - this.queue.length;
    return room > 0 ? room : this.queue.length === 0 ? 1 : 0;
  }

  /** Claimed entries join the queue; those that fit start at once. */
  queueReclaimed(entries: Reclaimed[]): void {
    if (this.closed) return;
    this.queue.push(...entries);
    this.grant();
  }

  /** Queued reclaimed entries wait for slots blocked reads hold: ending those reads frees them now. */
  get readHoldsReclaimed(): boolean {
    return this.queue.length > 0 && this.reserved > 0 && !this.reclaimedCapped();
  }

  /**
   * Stops handing out slots: waiting readers wake (to see that they should stop) and queued
   * reclaimed entries are dropped; they stay pending, so a peer reclaims them once their lease lapses.
   */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const { grant } of this.waiting.splice(0)) grant(0);
  }

  /** Slots that neither handlers nor reads hold. */
  private free(): number {
    return this.concurrency - this.options.inFlight() - this.reserved;
  }

  /** Reclaimed entries hold their share and readers wait: the next slot goes to a reader. */
  private reclaimedCapped(): boolean {
    return this.waiting.length > 0 && this.reclaimedRunning >= this.reclaimedCap;
  }

  /** Hands free slots out: queued reclaimed entries first (within their cap), then readers in turn. */
  private grant(): void {
    if (this.closed) return;
    while (this.queue.length > 0 && this.free() > 0 && !this.reclaimedCapped()) {
      this.reclaimedRunning += 1;
      this.options.startReclaimed(this.queue.shift() as Reclaimed);
    }
    while (this.waiting.length > 0 && this.free() > 0) {
      const { reader, grant } = this.waiting.shift() as (typeof this.waiting)[number];
      const withoutReservation = this.readers - this.reservations.size;
      const share = Math.max(1, Math.floor(this.free() / withoutReservation));
      const count = this.idle.has(reader) ? 1 : share;
      this.reservations.set(reader, count);
      this.reserved += count;
      grant(count);
    }
    if (this.waiting.length > 0) this.wakeReadersHoldingSeveral();
  }

  /**
   * A reader waits: those holding more than one slot for a blocked read are woken (once per read),
   * and reserve again with their share, which counts the waiting reader.
   */
  private wakeReadersHoldingSeveral(): void {
    for (const [reader, count] of this.reservations) {
      if (count < 2 || this.wakeAsked.has(reader)) continue;
      this.wakeAsked.add(reader);
      this.options.wakeReader(reader);
    }
  }
}
