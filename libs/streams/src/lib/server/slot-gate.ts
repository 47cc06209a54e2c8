/**
 * Who may fill the process's `concurrency` slots, and when. Three kinds of holder share them:
 * handlers in flight (counted by `inFlight`), reservations (the slots a blocked XREADGROUP may fill
 * when it returns) and reclaimed entries queued for a slot. Reclaimed entries go before new reads:
 * they have waited longest. The bound holds with all three together: a read reserves only what
 * neither handlers nor queued entries use, and a queued entry starts only in a slot no read holds.
 *
 * Pure bookkeeping, no Redis: the server starts what `takeReclaimed` hands out at once (so
 * `inFlight` counts it from then on) and calls `slotFreed` whenever a handler finishes.
 */
export class SlotGate<Reclaimed> {
  private reserved = 0;
  private readonly queue: Reclaimed[] = [];
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly concurrency: number,
    private readonly inFlight: () => number,
  ) {}

  /** Slots held by reads blocked right now. */
  get reservedForReads(): number {
    return this.reserved;
  }

  /** Reclaimed entries waiting for a slot, oldest first. */
  get queued(): readonly Reclaimed[] {
    return this.queue;
  }

  /**
   * Waits for slots that nobody holds (no handler, no queued reclaimed entry, no other read), then
   * reserves all of them for one read, in the same step, so two readers never count the same free
   * slot. They stay reserved while the read blocks, so reclaimed entries started meanwhile cannot
   * push the process over its concurrency when the read returns. 0 once the gate is closed.
   */
  async reserveForRead(): Promise<number> {
    while (this.free() <= 0 && !this.closed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.closed) return 0;
    const count = this.free();
    this.reserved += count;
    return count;
  }

  /** The read returned (its entries are started by now): another reader may use what it did not. */
  endRead(count: number): void {
    this.reserved -= count;
    this.slotFreed();
  }

  /**
   * How many entries a reclaim sweep may claim now: as many as there are free slots; a busy
   * process still takes one per sweep (it goes before new reads), so a saturated fleet drains a
   * dead worker's entries, but no worker hoards them.
   */
  reclaimRoom(): number {
    if (this.closed) return 0;
    const room = this.concurrency - this.inFlight() - this.queue.length;
    return room > 0 ? room : this.queue.length === 0 ? 1 : 0;
  }

  queueReclaimed(entries: Reclaimed[]): void {
    if (!this.closed) this.queue.push(...entries);
  }

  /** The next queued reclaimed entry, when a slot is free that no read holds. */
  takeReclaimed(): Reclaimed | undefined {
    if (this.closed || this.inFlight() + this.reserved >= this.concurrency) return undefined;
    return this.queue.shift();
  }

  /** Reclaimed entries wait for slots a blocked read holds: ending that read frees them now. */
  get readHoldsReclaimed(): boolean {
    return this.queue.length > 0 && this.reserved > 0;
  }

  /** Slots that neither handlers, nor reads, nor queued reclaimed entries hold. */
  private free(): number {
    return this.concurrency - this.inFlight() - this.reserved - this.queue.length;
  }

  /** A handler finished (or a read returned): one waiting reader looks again. */
  slotFreed(): void {
    this.waiters.shift()?.();
  }

  /**
   * Stops handing out slots: waiting readers wake (to see that they should stop) and queued
   * reclaimed entries are dropped; they stay pending, so a peer reclaims them once their lease lapses.
   */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.waiters.splice(0).forEach((wake) => wake());
  }
}
