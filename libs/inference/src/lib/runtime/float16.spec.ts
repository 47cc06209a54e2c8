import { fromFloat16, toFloat16Bits } from './float16';

describe('float16 conversion', () => {
  it('encodes known values to their IEEE 754 half-precision bit patterns', () => {
    const values = Float32Array.from([
      0,
      -0,
      1,
      -2,
      0.5,
      65504,
      1e9,
      -1e9,
      2 ** -24,
      2 ** -14,
      0.1,
      Infinity,
      NaN,
    ]);
    const bits = Array.from(toFloat16Bits(values), (b) => b.toString(16));
    expect(bits).toEqual([
      '0',
      '8000',
      '3c00',
      'c000',
      '3800',
      '7bff',
      '7c00',
      'fc00',
      '1',
      '400',
      '2e66',
      '7c00',
      '7e00',
    ]);
  });

  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(toFloat16Bits(Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11]))).toEqual(
      Uint16Array.from([0x3c00, 0x3c02]),
    );
  });

  it('decodes every finite pattern back to the value it encodes, and round-trips', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = fromFloat16(all);
    expect(decoded[0x3c00]).toBe(1);
    expect(decoded[0xc000]).toBe(-2);
    expect(decoded[0x0001]).toBe(2 ** -24);
    expect(decoded[0x7c00]).toBe(Infinity);
    expect(Number.isNaN(decoded[0x7e00])).toBe(true);
    const finite = all.filter((bits) => (bits & 0x7c00) !== 0x7c00);
    expect(toFloat16Bits(fromFloat16(finite))).toEqual(finite);
  });
});
