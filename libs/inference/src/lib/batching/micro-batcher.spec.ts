import { EngineThreadExitedError } from '../threads/engine-thread-exited.error';
import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('runs a full batch at once and returns each caller its own output', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher(
      async (items: number[]) => (batches.push(items), items.map((n) => n * 10)),
      { maxBatchSize: 3, maxWaitMs: 60_000 },
    );
    const outputs = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(outputs).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs a partial batch once its first item has waited maxWaitMs', async () => {
    jest.useFakeTimers();
    const batches: number[][] = [];
    const batcher = new MicroBatcher(async (items: number[]) => (batches.push(items), items), {
      maxBatchSize: 8,
      maxWaitMs: 50,
    });
    const pending = [batcher.submit(1), batcher.submit(2)];
    await jest.advanceTimersByTimeAsync(49);
    expect(batches).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await expect(Promise.all(pending)).resolves.toEqual([1, 2]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('gathers what arrives during a run into the next batch, capped at maxBatchSize', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      { maxBatchSize: 2, maxWaitMs: 0 },
    );
    const all = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await expect(Promise.all(all)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('rejects every item of a failed batch and keeps serving', async () => {
    let fail = true;
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        if (fail) throw new Error('model crashed');
        return items;
      },
      { maxBatchSize: 2, maxWaitMs: 0 },
    );
    const failed = [batcher.submit(1), batcher.submit(2)];
    await expect(failed[0]).rejects.toThrow('model crashed');
    await expect(failed[1]).rejects.toThrow('model crashed');
    fail = false;
    await expect(batcher.submit(3)).resolves.toBe(3);
  });

  it('runs the items of a failed batch one by one, so only the bad one is rejected', async () => {
    const runs: number[][] = [];
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        runs.push(items);
        if (items.includes(2)) throw new Error('item 2 is bad');
        return items.map((n) => n * 10);
      },
      { maxBatchSize: 3, maxWaitMs: 0 },
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[0]).toMatchObject({ value: 10 });
    expect(runs).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('fails every item at once, without reruns, on an error that failed the whole batch (a dead engine thread)', async () => {
    const runs: number[][] = [];
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        runs.push(items);
        throw new EngineThreadExitedError('exit code 1');
      },
      { maxBatchSize: 3, maxWaitMs: 0 },
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => batcher.submit(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('refuses nonsense options', () => {
    expect(() => new MicroBatcher(async (x: number[]) => x, { maxBatchSize: 0, maxWaitMs: 1 })).toThrow(
      /maxBatchSize must be a positive integer, got 0/,
    );
    expect(() => new MicroBatcher(async (x: number[]) => x, { maxBatchSize: 1, maxWaitMs: -1 })).toThrow(
      /maxWaitMs must be ≥ 0/,
    );
  });
});
