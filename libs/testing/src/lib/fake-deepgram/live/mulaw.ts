const BIAS = 0x84;
const CLIP = 32635;

/** G.711 µ-law bytes to 16-bit little-endian PCM (what Deepgram's `encoding=mulaw` carries). */
export function mulawToLinear16(mulaw: Buffer): Buffer {
  const pcm = Buffer.alloc(mulaw.length * 2);
  for (let i = 0; i < mulaw.length; i++) {
    const byte = ~mulaw[i] & 0xff;
    const exponent = (byte >> 4) & 0x07;
    const magnitude = (((byte & 0x0f) << 3) + BIAS) << exponent;
    pcm.writeInt16LE(byte & 0x80 ? BIAS - magnitude : magnitude - BIAS, i * 2);
  }
  return pcm;
}

/** 16-bit little-endian PCM to G.711 µ-law, for tests that stream telephone audio. */
export function linear16ToMulaw(pcm: Buffer): Buffer {
  const mulaw = Buffer.alloc(Math.floor(pcm.length / 2));
  for (let i = 0; i < mulaw.length; i++) {
    let sample = pcm.readInt16LE(i * 2);
    const sign = sample < 0 ? 0x80 : 0;
    if (sign) sample = -sample;
    sample = Math.min(sample, CLIP) + BIAS;
    let exponent = 7;
    for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    const mantissa = (sample >> (exponent + 3)) & 0x0f;
    mulaw[i] = ~(sign | (exponent << 4) | mantissa) & 0xff;
  }
  return mulaw;
}
