/**
 * The tail of a sample stream, kept as the pieces it arrived in (no copy per append): pieces wholly
 * before a point are dropped, any range still held is copied out by its absolute sample index.
 */
export class SampleWindow {
  private pieces: { from: number; samples: Float32Array }[] = [];
  private end = 0;

  /** Samples appended in all, the index the next one gets. */
  get total(): number {
    return this.end;
  }

  append(samples: Float32Array): void {
    if (samples.length === 0) return;
    this.pieces.push({ from: this.end, samples });
    this.end += samples.length;
  }

  /** Forgets what lies wholly before `index` (the piece holding it stays). */
  dropBefore(index: number): void {
    let drop = 0;
    while (drop < this.pieces.length && this.pieces[drop].from + this.pieces[drop].samples.length <= index)
      drop++;
    if (drop > 0) this.pieces = this.pieces.slice(drop);
  }

  /** Samples [from, to); what was dropped reads as silence. */
  slice(from: number, to: number): Float32Array {
    const out = new Float32Array(Math.max(0, Math.min(to, this.end) - from));
    for (const piece of this.pieces) {
      const start = Math.max(from, piece.from);
      const stop = Math.min(to, piece.from + piece.samples.length);
      if (stop > start) out.set(piece.samples.subarray(start - piece.from, stop - piece.from), start - from);
    }
    return out;
  }
}
