/**
 * Grow-only buffers for the cross-attention caches that beams and samples copy per row (for
 * whisper-base, 37 MB a row: 1.5 GB for 8 windows × 5 beams), kept from one decode to the next.
 * Writing fresh pages costs far more than copying (measured here: 9 s to first-touch 740 MB, 0.16 s
 * to copy into it again), so a worker that decodes batch after batch pays it once. One decode at a
 * time holds them: lend() answers undefined while they are out, and that decode allocates its own.
 */
export class CacheScratch {
  private readonly buffers = new Map<string, Float32Array>();
  private lent = false;

  lend(): ScratchLease | undefined {
    if (this.lent) return undefined;
    this.lent = true;
    let returned = false;
    return {
      buffer: (name, length) => {
        const held = this.buffers.get(name);
        if (held && held.length >= length) return held.subarray(0, length);
        const grown = new Float32Array(length);
        this.buffers.set(name, grown);
        return grown;
      },
      release: () => {
        if (returned) return;
        returned = true;
        this.lent = false;
      },
    };
  }
}

export interface ScratchLease {
  /** A buffer of `length` floats for the named cache entry, valid until release(). */
  buffer(name: string, length: number): Float32Array;
  release(): void;
}
