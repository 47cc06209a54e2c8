/**
 * Mixed-radix FFT for the real frames of a spectrogram (Whisper's n_fft = 400 = 2⁴·5², which a
 * power-of-two FFT cannot do). The plan (factors, twiddles) is built once per size.
 */
export class RealFft {
  private readonly factors: number[];
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;
  /** Per recursion level: where that level's sub-transforms land (siblings run one after another). */
  private readonly levelRe: Float64Array[];
  private readonly levelIm: Float64Array[];
  private readonly outRe: Float64Array;
  private readonly outIm: Float64Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.factors = factorize(size);
    this.cos = new Float64Array(size);
    this.sin = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      this.cos[k] = Math.cos((-2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((-2 * Math.PI * k) / size);
    }
    this.scratchRe = new Float64Array(size);
    this.scratchIm = new Float64Array(size);
    this.levelRe = this.factors.map(() => new Float64Array(size));
    this.levelIm = this.factors.map(() => new Float64Array(size));
    this.outRe = new Float64Array(size);
    this.outIm = new Float64Array(size);
  }

  /** Power spectrum |X[k]|² for k = 0..size/2 of a real frame, into `out` (length size/2 + 1). */
  powerSpectrum(frame: Float64Array, out: Float64Array): void {
    const re = this.outRe;
    const im = this.outIm;
    this.transform(frame, 0, 1, this.size, 0, re, im, 0);
    for (let k = 0; k < out.length; k++) out[k] = re[k] * re[k] + im[k] * im[k];
  }

  /** Decimation in time: X = combine(p sub-transforms of every p-th sample), recursively. */
  private transform(
    input: Float64Array,
    offset: number,
    stride: number,
    n: number,
    level: number,
    re: Float64Array,
    im: Float64Array,
    at: number,
  ): void {
    if (n === 1) {
      re[at] = input[offset];
      im[at] = 0;
      return;
    }
    const p = this.factors[level];
    const m = n / p;
    const subRe = this.levelRe[level];
    const subIm = this.levelIm[level];
    for (let r = 0; r < p; r++)
      this.transform(input, offset + r * stride, stride * p, m, level + 1, subRe, subIm, r * m);
    // Twiddle index for W_n^j is j * (size / n) in the size-point table.
    const step = this.size / n;
    for (let k = 0; k < n; k++) {
      let sumRe = 0;
      let sumIm = 0;
      const km = k % m;
      for (let r = 0; r < p; r++) {
        const t = ((r * k) % n) * step;
        const xr = subRe[r * m + km];
        const xi = subIm[r * m + km];
        sumRe += xr * this.cos[t] - xi * this.sin[t];
        sumIm += xr * this.sin[t] + xi * this.cos[t];
      }
      this.scratchRe[k] = sumRe;
      this.scratchIm[k] = sumIm;
    }
    for (let k = 0; k < n; k++) {
      re[at + k] = this.scratchRe[k];
      im[at + k] = this.scratchIm[k];
    }
  }
}

function factorize(n: number): number[] {
  const factors: number[] = [];
  for (const p of [4, 2, 3, 5]) {
    while (n % p === 0) {
      factors.push(p);
      n /= p;
    }
  }
  for (let p = 7; n > 1; p += 2) {
    while (n % p === 0) {
      factors.push(p);
      n /= p;
    }
  }
  return factors;
}
