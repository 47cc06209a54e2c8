import { seededRandom } from '@streamscribe/testing';
import { SlotGate } from './slot-gate';

/** Lets every promise continuation that is ready run (a woken waiter looks again). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SlotGate', () => {
  let inFlight: number;
  beforeEach(() => (inFlight = 0));

  /** What the server does after a read returns or a handler finishes: queued entries first. */
  function startReclaimed(gate: SlotGate<string>): string[] {
    const started: string[] = [];
    for (let next = gate.takeReclaimed(); next; next = gate.takeReclaimed()) {
      inFlight += 1;
      started.push(next);
    }
    return started;
  }

  it('reserves for a read every slot that neither handlers nor queued reclaimed entries hold', async () => {
    const gate = new SlotGate<string>(8, () => inFlight);
    inFlight = 3;
    gate.queueReclaimed(['a', 'b']); // queued, not started yet
    await expect(gate.reserveForRead()).resolves.toBe(8 - 3 - 2);
    expect(gate.reservedForReads).toBe(3);
    gate.endRead(3);
    expect(gate.reservedForReads).toBe(0);
  });

  it('gives one free slot to one of two readers that ask for it in the same tick', async () => {
    const gate = new SlotGate<string>(2, () => inFlight);
    inFlight = 1;
    const granted: number[] = [];
    void gate.reserveForRead().then((count) => granted.push(count));
    void gate.reserveForRead().then((count) => granted.push(count));
    await settle();
    expect(granted).toEqual([1]);
    gate.endRead(1); // the first read returned nothing: the second reader gets the slot
    await settle();
    expect(granted).toEqual([1, 1]);
    expect(gate.reservedForReads).toBe(1);
  });

  it('keeps a reader waiting while the slots are full, and wakes it when one frees', async () => {
    const gate = new SlotGate<string>(2, () => inFlight);
    inFlight = 2;
    let woke = false;
    void gate.reserveForRead().then(() => (woke = true));
    await settle();
    expect(woke).toBe(false);
    inFlight = 1;
    gate.slotFreed();
    await settle();
    expect(woke).toBe(true);
  });

  it('gives a freed slot to a queued reclaimed entry before a new read', async () => {
    const gate = new SlotGate<string>(2, () => inFlight);
    inFlight = 2;
    expect(gate.reclaimRoom()).toBe(1); // busy, but a dead worker's entry still gets claimed
    gate.queueReclaimed(['orphan']);
    expect(gate.reclaimRoom()).toBe(0); // one is waiting already: no hoarding
    let readerWoke = false;
    void gate.reserveForRead().then(() => (readerWoke = true));
    inFlight = 1; // a handler finished
    expect(startReclaimed(gate)).toEqual(['orphan']);
    gate.slotFreed();
    await settle();
    expect(readerWoke).toBe(false);
    expect(inFlight).toBe(2);
  });

  it('starts no queued entry in a slot a blocked read holds, and says when waking the read would help', async () => {
    const gate = new SlotGate<string>(4, () => inFlight);
    inFlight = 1;
    const reserved = await gate.reserveForRead();
    expect(reserved).toBe(3);
    expect(gate.reclaimRoom()).toBe(3); // reads reserve what they may fill, not what they got
    gate.queueReclaimed(['a', 'b']);
    expect(startReclaimed(gate)).toEqual([]);
    expect(gate.readHoldsReclaimed).toBe(true);
    gate.endRead(reserved); // the woken read returned nothing
    expect(startReclaimed(gate)).toEqual(['a', 'b']);
    expect(gate.readHoldsReclaimed).toBe(false);
  });

  it('on close, wakes waiting readers, drops queued entries and hands out nothing more', async () => {
    const gate = new SlotGate<string>(1, () => inFlight);
    inFlight = 1;
    gate.queueReclaimed(['left-pending']);
    const waiting = gate.reserveForRead();
    gate.close();
    await expect(waiting).resolves.toBe(0);
    inFlight = 0;
    expect(gate.queued).toEqual([]);
    expect(gate.takeReclaimed()).toBeUndefined();
    expect(gate.reclaimRoom()).toBe(0);
    gate.queueReclaimed(['late']);
    expect(gate.queued).toEqual([]);
  });

  it('never lets handlers exceed the concurrency, whatever the order of reads, claims and finishes', async () => {
    const concurrency = 3;
    const random = seededRandom(7);
    const gate = new SlotGate<string>(concurrency, () => inFlight);
    let most = 0;
    let reclaimedStarted = 0;
    const start = (count: number) => {
      inFlight += count;
      most = Math.max(most, inFlight);
    };
    const readers = [0, 1].map(() => ({ state: 'idle' as 'idle' | 'waiting' | 'blocked', reserved: 0 }));
    for (let step = 0; step < 2000; step++) {
      const roll = random();
      const reader = readers[step % readers.length];
      if (roll < 0.3 && reader.state === 'idle') {
        // Every idle reader asks in the same tick: they must not count one free slot twice.
        for (const idle of readers.filter((r) => r.state === 'idle')) {
          idle.state = 'waiting';
          void gate.reserveForRead().then((count) => {
            idle.reserved = count;
            idle.state = 'blocked';
          });
        }
      } else if (roll < 0.6 && reader.state === 'blocked') {
        const got = Math.floor(random() * (reader.reserved + 1)); // a read returns up to COUNT
        gate.endRead(reader.reserved);
        start(got);
        reclaimedStarted += startReclaimed(gate).length;
        reader.state = 'idle';
      } else if (roll < 0.75) {
        const claimed = Math.floor(random() * (gate.reclaimRoom() + 1));
        gate.queueReclaimed(Array.from({ length: claimed }, (_, i) => `claimed-${step}-${i}`));
        reclaimedStarted += startReclaimed(gate).length;
      } else if (inFlight > 0) {
        inFlight -= 1;
        reclaimedStarted += startReclaimed(gate).length;
        gate.slotFreed();
      }
      most = Math.max(most, inFlight);
      await settle();
      expect(inFlight).toBeLessThanOrEqual(concurrency);
    }
    // The bound was reached, and reclaimed entries did start: the run exercised what it checks.
    expect(most).toBe(concurrency);
    expect(reclaimedStarted).toBeGreaterThan(0);
  });
});
