/** The rate Silero runs at here: every input is resampled to it. */
export const VAD_SAMPLE_RATE = 16000;

/** Signed 16-bit little-endian PCM (linear16) as floats in [-1, 1); an odd trailing byte is ignored. */
export function linear16ToFloat32(bytes: Buffer): Float32Array {
  const count = bytes.length >> 1;
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(i * 2) / 32768;
  return samples;
}

/** G.711 µ-law bytes as floats in [-1, 1]. */
export function mulawToFloat32(bytes: Buffer): Float32Array {
  const samples = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) samples[i] = MULAW_TABLE[bytes[i]];
  return samples;
}

const MULAW_TABLE = (() => {
  const table = new Float32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    const u = ~byte & 0xff;
    const exponent = (u >> 4) & 0x07;
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
    table[byte] = ((u & 0x80) !== 0 && magnitude !== 0 ? -magnitude : magnitude) / 32768;
  }
  return table;
})();

/** Interleaved channels averaged to mono. */
export function downmix(samples: Float32Array, channels: number): Float32Array {
  if (channels <= 1) return samples;
  const frames = Math.floor(samples.length / channels);
  const mono = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i * channels + c];
    mono[i] = sum / channels;
  }
  return mono;
}

/**
 * Linear-interpolation resampler that keeps its position across pushes, so a stream cut into
 * frames of any size resamples exactly like the whole. Linear is enough for voice activity: the
 * detector looks at the speech band, far below either Nyquist limit it folds around.
 */
export class LinearResampler {
  private readonly step: number;
  /** Position of the next output sample, in input samples, relative to `previous`'s index 0. */
  private position = 0;
  /** The last input sample of the previous push (index 0 of the next one's virtual input). */
  private previous?: number;

  constructor(
    readonly fromRate: number,
    readonly toRate: number = VAD_SAMPLE_RATE,
  ) {
    if (!(fromRate > 0) || !(toRate > 0))
      throw new RangeError(`sample rates must be positive, got ${fromRate} -> ${toRate}`);
    this.step = fromRate / toRate;
  }

  push(input: Float32Array): Float32Array {
    if (this.fromRate === this.toRate) return input;
    if (input.length === 0) return input;
    // Virtual input: [previous, ...input] when a previous sample exists, so interpolation spans pushes.
    const offset = this.previous === undefined ? 0 : 1;
    const length = input.length + offset;
    const at = (i: number) => (i < offset ? (this.previous as number) : input[i - offset]);
    const out: number[] = [];
    while (this.position <= length - 1) {
      const left = Math.floor(this.position);
      const fraction = this.position - left;
      const a = at(left);
      const b = left + 1 < length ? at(left + 1) : a;
      out.push(a + (b - a) * fraction);
      this.position += this.step;
    }
    this.previous = input[input.length - 1];
    this.position -= length - 1;
    return Float32Array.from(out);
  }
}

/** Whole-buffer resample to `toRate` (16 kHz by default). */
export function resampleLinear(
  samples: Float32Array,
  fromRate: number,
  toRate: number = VAD_SAMPLE_RATE,
): Float32Array {
  return new LinearResampler(fromRate, toRate).push(samples);
}
