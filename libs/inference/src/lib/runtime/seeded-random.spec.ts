import { topK } from './scores';
import { sampleIndex, seededRandom } from './seeded-random';

describe('seeded sampling', () => {
  it('repeats its stream for a seed and differs for another', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    for (const u of draw(1)) expect(u >= 0 && u < 1).toBe(true);
  });

  it('draws indices in proportion to softmax(logits / temperature), never a -Infinity one', () => {
    const logits = [Math.log(1), Math.log(3), -Infinity, Math.log(6)];
    const random = seededRandom(9);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[sampleIndex(logits, 1, random)]++;
    expect(counts[2]).toBe(0);
    expect(counts[0] / 20_000).toBeCloseTo(0.1, 1);
    expect(counts[3] / 20_000).toBeCloseTo(0.6, 1);
    // Temperature 0.5 squares the odds: 1 : 9 : 36.
    const cold = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) cold[sampleIndex(logits, 0.5, random)]++;
    expect(cold[3] / 20_000).toBeCloseTo(36 / 46, 1);
  });

  it('finds the k largest values, largest first', () => {
    expect(topK([0.1, 5, -2, 7, 5, 3], 3)).toEqual([3, 1, 4]);
    expect(topK([1, 2], 4)).toEqual([1, 0]);
    expect(topK([-Infinity, -1, -Infinity], 2)).toEqual([1, 0]);
  });
});
