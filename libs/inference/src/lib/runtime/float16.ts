// IEEE 754 half precision as ONNX Runtime's float16 tensors hold it in Node (a Uint16Array of bit
// patterns; Node 20 has no Float16Array).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

let decodeTable: Float32Array | undefined;

/** Every half-precision bit pattern's value: 256 KB, built on first use. */
function halfValues(): Float32Array {
  if (decodeTable) return decodeTable;
  decodeTable = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    decodeTable[bits] =
      exponent === 0
        ? sign * fraction * 2 ** -24
        : exponent === 31
          ? fraction
            ? NaN
            : sign * Infinity
          : sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return decodeTable;
}

/** float32 → float16 bits, rounding to nearest even; beyond ±65504 becomes ±Infinity. */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 31) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      // Subnormal: shift the implicit leading 1 in, then round to nearest even.
      mantissa |= 0x800000;
      const shift = 14 - e;
      const half = 1 << (shift - 1);
      const rest = mantissa & ((1 << shift) - 1);
      let bits = mantissa >>> shift;
      if (rest > half || (rest === half && bits & 1)) bits++;
      out[i] = sign | bits;
    } else {
      let bits = (e << 10) | (mantissa >>> 13);
      const rest = mantissa & 0x1fff;
      if (rest > 0x1000 || (rest === 0x1000 && bits & 1)) bits++; // may carry into the exponent: still right
      out[i] = sign | bits;
    }
  }
  return out;
}

/** float16 (bit patterns, or a Float16Array where the runtime has one) → float32. */
export function fromFloat16(data: ArrayLike<number>): Float32Array {
  if (!(data instanceof Uint16Array)) return Float32Array.from(data);
  const table = halfValues();
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = table[data[i]];
  return out;
}
