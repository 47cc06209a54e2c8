import { LinearResampler, downmix, linear16ToFloat32, mulawToFloat32, resampleLinear } from './pcm';

describe('PCM input for the VAD', () => {
  it('decodes linear16 little-endian into [-1, 1)', () => {
    const bytes = Buffer.alloc(6);
    bytes.writeInt16LE(-32768, 0);
    bytes.writeInt16LE(16384, 2);
    bytes.writeInt16LE(0, 4);
    expect(Array.from(linear16ToFloat32(bytes))).toEqual([-1, 0.5, 0]);
  });

  it('decodes G.711 mu-law: 0xff and 0x7f are zero, 0x80 and 0x00 the extremes', () => {
    const decoded = Array.from(mulawToFloat32(Buffer.from([0xff, 0x7f, 0x80, 0x00, 0xf0])));
    expect(decoded[0]).toBe(0);
    expect(decoded[1]).toBe(0);
    expect(decoded[2] * 32768).toBe(32124);
    expect(decoded[3] * 32768).toBe(-32124);
    expect(decoded[4] * 32768).toBe(120);
  });

  it('averages interleaved channels', () => {
    expect(Array.from(downmix(Float32Array.from([1, 0, 0.5, 0.5]), 2))).toEqual([0.5, 0.5]);
  });

  it('resamples 8 kHz to 16 kHz by interpolation', () => {
    expect(Array.from(resampleLinear(Float32Array.from([0, 1, 0]), 8000, 16000))).toEqual([
      0, 0.5, 1, 0.5, 0,
    ]);
  });

  it('gives the same samples whether the stream arrives whole or in pieces of any size', () => {
    const input = Float32Array.from({ length: 4410 }, (_, i) => Math.sin(i / 7));
    const whole = resampleLinear(input, 22050, 16000);
    const resampler = new LinearResampler(22050, 16000);
    const pieces: number[] = [];
    for (let at = 0, size = 1; at < input.length; at += size, size = (size * 7 + 3) % 500 || 1)
      pieces.push(...resampler.push(input.subarray(at, at + size)));
    expect(pieces.length).toBe(whole.length);
    pieces.forEach((value, i) => expect(value).toBeCloseTo(whole[i], 5));
    expect(whole.length).toBe(Math.floor(((input.length - 1) * 16000) / 22050) + 1);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new LinearResampler(0)).toThrow(/positive/);
  });
});
