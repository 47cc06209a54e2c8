import { CacheScratch } from './cache-scratch';

describe('CacheScratch', () => {
  it('lends its buffers to one decode at a time and keeps them for the next', () => {
    const scratch = new CacheScratch();
    const first = scratch.lend();
    expect(scratch.lend()).toBeUndefined();
    const buffer = first?.buffer('past_key_values.0.encoder.key', 1000);
    first?.release();
    first?.release();
    const second = scratch.lend();
    const reused = second?.buffer('past_key_values.0.encoder.key', 600);
    expect(reused?.length).toBe(600);
    expect(reused?.buffer).toBe(buffer?.buffer);
    // A bigger batch grows it; other entries get their own.
    expect(second?.buffer('past_key_values.0.encoder.key', 2000).buffer).not.toBe(buffer?.buffer);
    expect(second?.buffer('past_key_values.0.encoder.value', 600).buffer).not.toBe(buffer?.buffer);
  });
});
