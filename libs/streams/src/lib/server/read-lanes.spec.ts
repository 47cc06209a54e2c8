import { hashTagOf, readLanesOf } from './read-lanes';

describe('read lanes', () => {
  it("finds the hash tag as Redis Cluster does: the first '{', the next '}', not empty", () => {
    expect(hashTagOf('audio:stream:deepgram:{3}')).toBe('3');
    expect(hashTagOf('audio:stream:deepgram')).toBeUndefined();
    expect(hashTagOf('a{}b{c}')).toBeUndefined();
    expect(hashTagOf('a{b}{c}')).toBe('b');
    expect(hashTagOf('a{b')).toBeUndefined();
  });

  it('reads streams with one tag together, and each untagged stream alone', () => {
    expect(readLanesOf(['s:{0}', 's:{1}', 't:{0}', 'plain', 'other'])).toEqual([
      ['s:{0}', 't:{0}'],
      ['s:{1}'],
      ['plain'],
      ['other'],
    ]);
  });
});
