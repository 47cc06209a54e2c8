import { TurnBatcher } from './turn-batcher';

describe('TurnBatcher', () => {
  it('sends the items of one turn in one call per key, at most maxPerCall each, and answers each caller', async () => {
    const calls: Array<[string, number[]]> = [];
    const batcher = new TurnBatcher<number, number>(async (key, items) => {
      calls.push([key, items]);
      return items.map((n) => n * 10);
    }, 2);
    const answers = await Promise.all([
      batcher.add('a', 1),
      batcher.add('b', 2),
      batcher.add('a', 3),
      batcher.add('a', 4),
    ]);
    expect(answers).toEqual([10, 20, 30, 40]);
    expect(calls).toEqual([
      ['a', [1, 3]],
      ['a', [4]],
      ['b', [2]],
    ]);
    // The next turn is a call of its own.
    await batcher.add('a', 5);
    expect(calls).toHaveLength(4);
  });

  it('fails one item for its own Error, every item of a call that rejects, and items left unanswered', async () => {
    const batcher = new TurnBatcher<string, string>(async (key, items) => {
      if (key === 'down') throw new Error('connection lost');
      if (key === 'short') return [items[0]];
      return items.map((item) => (item === 'bad' ? new Error(`refused ${item}`) : item));
    });
    const settled = await Promise.allSettled([
      batcher.add('ok', 'good'),
      batcher.add('ok', 'bad'),
      batcher.add('down', 'x'),
      batcher.add('down', 'y'),
      batcher.add('short', 'first'),
      batcher.add('short', 'second'),
    ]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'good',
      'refused bad',
      'connection lost',
      'connection lost',
      'first',
      'the call answered 1 of 2 items',
    ]);
  });

  it('settle sends what is queued at once and waits for the answers', async () => {
    let answered = 0;
    const batcher = new TurnBatcher<number, void>(async (_key, items) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answered += items.length;
      return items.map((): void => undefined);
    });
    void batcher.add('k', 1);
    void batcher.add('k', 2);
    await batcher.settle();
    expect(answered).toBe(2);
  });
});
