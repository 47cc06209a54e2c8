import { getEventListeners } from 'node:events';
import { sleep } from './loop-utils';

describe('sleep', () => {
  it('leaves no listener on the signal behind, however often a loop sleeps on it', async () => {
    const stopping = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, stopping.signal);
    expect(getEventListeners(stopping.signal, 'abort')).toHaveLength(0);
  });

  it('wakes at once when the signal aborts', async () => {
    const stopping = new AbortController();
    const asleep = sleep(60_000, stopping.signal);
    stopping.abort();
    await expect(asleep).resolves.toBeUndefined();
    await expect(sleep(60_000, stopping.signal)).resolves.toBeUndefined();
  });
});
