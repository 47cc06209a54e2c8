import { seededRandom } from '@streamscribe/testing';
import { ReaderId, SlotGate } from './slot-gate';

/** Lets every promise continuation that is ready run (a granted reader goes on). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A gate over a counted set of handlers, as the server keeps it: reclaimed entries start at once. */
function harness(concurrency: number) {
  const state = {
    inFlight: 0,
    /** Per handler started by the gate or a read: whether it runs a reclaimed entry. */
    running: [] as boolean[],
    reclaimedStarted: [] as string[],
    woken: [] as ReaderId[],
  };
  const gate = new SlotGate<string>({
    concurrency,
    inFlight: () => state.inFlight,
    startReclaimed: (entry) => {
      state.inFlight += 1;
      state.running.push(true);
      state.reclaimedStarted.push(entry);
    },
    wakeReader: (reader) => state.woken.push(reader),
  });
  /** A handler finished. */
  const finish = (reclaimed = false) => {
    state.inFlight -= 1;
    gate.handlerFinished(reclaimed);
  };
  /** A read returned `got` entries: they start, then its reservation ends. */
  const readReturned = (reader: ReaderId, got: number) => {
    state.inFlight += got;
    for (let i = 0; i < got; i++) state.running.push(false);
    gate.endRead(reader, got);
  };
  /** The handler at `index` of `running` finished. */
  const finishAt = (index: number) => {
    const [reclaimed] = state.running.splice(index, 1);
    finish(reclaimed);
  };
  return { gate, state, finish, readReturned, finishAt };
}

/** Asks for slots and records what was granted, when it is. */
function ask(gate: SlotGate<string>, reader: ReaderId, granted: Map<ReaderId, number>) {
  void gate.reserveForRead(reader).then((count) => granted.set(reader, count));
}

describe('SlotGate', () => {
  it('reserves for a lone reader every slot the handlers do not hold', async () => {
    const { gate, state } = harness(8);
    const reader = gate.addReader();
    state.inFlight = 3;
    await expect(gate.reserveForRead(reader)).resolves.toBe(5);
    expect(gate.reservedForReads).toBe(5);
    gate.endRead(reader, 0);
    expect(gate.reservedForReads).toBe(0);
  });

  it('shares the free slots among readers that ask together, so each partition gets a read', async () => {
    const { gate } = harness(8);
    const readers = [gate.addReader(), gate.addReader(), gate.addReader(), gate.addReader()];
    const granted = new Map<ReaderId, number>();
    for (const reader of readers) ask(gate, reader, granted);
    await settle();
    expect([...granted.values()]).toEqual([2, 2, 2, 2]);
    expect(gate.reservedForReads).toBe(8);
  });

  it('gives one free slot to one of two readers that ask for it in the same tick, the other in turn', async () => {
    const { gate, state, readReturned } = harness(2);
    const [first, second] = [gate.addReader(), gate.addReader()];
    state.inFlight = 1;
    const granted = new Map<ReaderId, number>();
    ask(gate, first, granted);
    ask(gate, second, granted);
    await settle();
    expect([...granted]).toEqual([[first, 1]]);
    readReturned(first, 0); // the first read returned nothing: the second reader's turn
    await settle();
    expect(granted.get(second)).toBe(1);
    expect(gate.reservedForReads).toBe(1);
  });

  it('wakes readers that hold several slots while another waits, once per read, and not those holding one', async () => {
    const { gate, state, readReturned } = harness(8);
    const [busy, idleA, idleB] = [gate.addReader(), gate.addReader(), gate.addReader()];
    const granted = new Map<ReaderId, number>();
    ask(gate, idleA, granted); // 8 free, 3 readers without a reservation: 2
    ask(gate, idleB, granted); // 6 free, 2 without: 3
    await settle();
    expect([granted.get(idleA), granted.get(idleB)]).toEqual([2, 3]);
    ask(gate, busy, granted); // the last 3
    await settle();
    readReturned(busy, 3); // its partition is busy: 3 entries, and it asks again
    ask(gate, busy, granted);
    granted.delete(busy);
    await settle();
    expect(granted.has(busy)).toBe(false); // nothing free
    expect(state.woken.sort()).toEqual([idleA, idleB].sort());
    readReturned(idleA, 0); // woken: it returns nothing, and its two slots are shared again
    await settle();
    expect(granted.get(busy)).toBe(1); // 2 free, busy and idleA without a reservation
    ask(gate, idleA, granted);
    await settle();
    expect(granted.get(idleA)).toBe(1);
    // idleB was asked once already in this read: not again.
    readReturned(busy, 1);
    ask(gate, busy, granted);
    await settle();
    expect(state.woken.filter((reader) => reader === idleB)).toHaveLength(1);
    expect(state.woken.filter((reader) => reader === idleA)).toHaveLength(1);
  });

  it('lets a busy partition take most slots once the idle partitions hold one each', async () => {
    const { gate, state, readReturned, finish } = harness(8);
    const readers = [gate.addReader(), gate.addReader(), gate.addReader(), gate.addReader()];
    const [busy, ...idle] = readers;
    const granted = new Map<ReaderId, number>();
    for (const reader of readers) ask(gate, reader, granted);
    await settle();
    // The busy partition always fills its read; a woken idle read returns nothing and asks again.
    for (let round = 0; round < 50; round++) {
      for (const reader of state.woken.splice(0)) {
        if (!granted.has(reader)) continue;
        granted.delete(reader);
        readReturned(reader, 0);
        ask(gate, reader, granted);
      }
      if (granted.has(busy)) {
        const got = granted.get(busy) as number;
        granted.delete(busy);
        readReturned(busy, got);
        ask(gate, busy, granted);
      }
      await settle();
      if (state.inFlight > 0) finish();
      await settle();
      expect(state.inFlight + gate.reservedForReads).toBeLessThanOrEqual(8);
    }
    expect(idle.map((reader) => granted.get(reader))).toEqual([1, 1, 1]);
    expect(state.inFlight + (granted.get(busy) ?? 0)).toBeGreaterThanOrEqual(8 - 3 - 1);
  });

  it('starts queued reclaimed entries in free slots before a waiting reader, within their share', async () => {
    const { gate, state, finish } = harness(4);
    const reader = gate.addReader();
    state.inFlight = 4;
    const granted = new Map<ReaderId, number>();
    ask(gate, reader, granted);
    gate.queueReclaimed(['a', 'b', 'c', 'd', 'e']);
    expect(state.reclaimedStarted).toEqual([]); // no slot free
    expect(gate.reclaimedCap).toBe(3); // the reader keeps one
    finish();
    finish();
    await settle();
    expect(state.reclaimedStarted).toEqual(['a', 'b']);
    expect(granted.has(reader)).toBe(false);
    finish();
    finish();
    await settle();
    // One more reclaimed entry reaches the cap; the next slot goes to the waiting reader.
    expect(state.reclaimedStarted).toEqual(['a', 'b', 'c']);
    expect(granted.get(reader)).toBe(1);
    expect(gate.reclaimedInFlight).toBe(3);
    finish(true); // a reclaimed entry finished: the queue goes again
    await settle();
    expect(state.reclaimedStarted).toEqual(['a', 'b', 'c', 'd']);
  });

  it('starts queued entries beyond their share when no reader waits', async () => {
    const { gate, state } = harness(4);
    gate.addReader();
    gate.queueReclaimed(['a', 'b', 'c', 'd']);
    expect(state.reclaimedStarted).toEqual(['a', 'b', 'c', 'd']);
  });

  it("claims a dead owner's batch up to the concurrency however busy, a live owner's only into free slots", () => {
    const { gate, state } = harness(8);
    gate.addReader();
    state.inFlight = 8;
    expect(gate.reclaimRoomForDead()).toBe(8);
    expect(gate.reclaimRoomForLive()).toBe(1); // busy: one, so retries still go on
    gate.queueReclaimed(['a', 'b', 'c']);
    expect(gate.reclaimRoomForDead()).toBe(5);
    expect(gate.reclaimRoomForLive()).toBe(0); // one is waiting already: no hoarding
    state.inFlight = 2;
    expect(gate.reclaimRoomForLive()).toBe(8 - 2 - 3);
  });

  it('starts no queued entry in a slot a blocked read holds, and says when waking the read would help', async () => {
    const { gate, state, readReturned } = harness(4);
    const reader = gate.addReader();
    state.inFlight = 1;
    expect(await gate.reserveForRead(reader)).toBe(3);
    gate.queueReclaimed(['a', 'b']);
    expect(state.reclaimedStarted).toEqual([]);
    expect(gate.readHoldsReclaimed).toBe(true);
    readReturned(reader, 0); // the woken read returned nothing
    expect(state.reclaimedStarted).toEqual(['a', 'b']);
    expect(gate.readHoldsReclaimed).toBe(false);
  });

  it('on close, wakes waiting readers, drops queued entries and hands out nothing more', async () => {
    const { gate, state } = harness(1);
    const reader = gate.addReader();
    state.inFlight = 1;
    gate.queueReclaimed(['left-pending']);
    const waiting = gate.reserveForRead(reader);
    gate.close();
    await expect(waiting).resolves.toBe(0);
    state.inFlight = 0;
    gate.handlerFinished(false);
    expect(gate.queued).toEqual([]);
    expect(state.reclaimedStarted).toEqual([]);
    expect(gate.reclaimRoomForDead()).toBe(0);
    expect(gate.reclaimRoomForLive()).toBe(0);
    gate.queueReclaimed(['late']);
    expect(gate.queued).toEqual([]);
    await expect(gate.reserveForRead(reader)).resolves.toBe(0);
  });

  it('never exceeds the concurrency and starves no reader, whatever the order of reads, claims and finishes', async () => {
    const concurrency = 5;
    const random = seededRandom(7);
    const { gate, state, readReturned, finishAt } = harness(concurrency);
    let most = 0;
    const readers = [0, 1, 2, 3].map(() => ({
      id: gate.addReader(),
      state: 'idle' as 'idle' | 'waiting' | 'blocked',
      reserved: 0,
      reads: 0,
    }));
    for (let step = 0; step < 2000; step++) {
      const roll = random();
      const reader = readers[step % readers.length];
      if (roll < 0.3 && reader.state === 'idle') {
        reader.state = 'waiting';
        void gate.reserveForRead(reader.id).then((count) => {
          reader.reserved = count;
          reader.state = 'blocked';
        });
      } else if (roll < 0.6 && reader.state === 'blocked') {
        reader.reads += 1;
        reader.state = 'idle';
        readReturned(reader.id, Math.floor(random() * (reader.reserved + 1))); // up to COUNT
      } else if (roll < 0.7) {
        const room = random() < 0.5 ? gate.reclaimRoomForDead() : gate.reclaimRoomForLive();
        const claimed = Math.floor(random() * (room + 1));
        gate.queueReclaimed(Array.from({ length: claimed }, (_, i) => `claimed-${step}-${i}`));
      } else if (state.running.length > 0) {
        finishAt(Math.floor(random() * state.running.length));
      }
      most = Math.max(most, state.inFlight);
      await settle();
      expect(state.inFlight).toBe(state.running.length);
      expect(state.inFlight).toBeLessThanOrEqual(concurrency);
      expect(gate.reclaimedInFlight).toBe(state.running.filter(Boolean).length);
    }
    // The bound was reached, reclaimed entries did start, and every reader kept reading.
    expect(most).toBe(concurrency);
    expect(state.reclaimedStarted.length).toBeGreaterThan(0);
    for (const reader of readers) expect(reader.reads).toBeGreaterThan(50);
  }, 60_000);
});
