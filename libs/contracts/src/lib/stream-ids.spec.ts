import { compareStreamIds } from './stream-ids';

describe('compareStreamIds', () => {
  it('orders stream ids by time, then sequence', () => {
    expect(compareStreamIds('10-0', '9-5')).toBeGreaterThan(0);
    expect(compareStreamIds('10-1', '10-2')).toBeLessThan(0);
    expect(compareStreamIds('0', '1-0')).toBeLessThan(0);
    expect(compareStreamIds('7-3', '7-3')).toBe(0);
  });
});
