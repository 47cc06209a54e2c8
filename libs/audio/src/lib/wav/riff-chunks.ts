export const RIFF_HEADER_BYTES = 12;
export const CHUNK_HEADER_BYTES = 8;

/** One chunk of a RIFF file, as its header declares it; the body may run past the buffer. */
export interface RiffChunk {
  id: string;
  /** Offset of the header (for messages). */
  offset: number;
  bodyOffset: number;
  declaredSize: number;
  /** Bytes from the start of the body to the end of the buffer. */
  remaining: number;
}

/** Walks the chunks after the 12-byte RIFF header until fewer than 8 bytes remain. */
export function* riffChunks(buf: Buffer): Generator<RiffChunk> {
  let offset = RIFF_HEADER_BYTES;
  while (offset + CHUNK_HEADER_BYTES <= buf.length) {
    const bodyOffset = offset + CHUNK_HEADER_BYTES;
    const declaredSize = buf.readUInt32LE(offset + 4);
    yield {
      id: fourCC(buf, offset),
      offset,
      bodyOffset,
      declaredSize,
      remaining: buf.length - bodyOffset,
    };
    // RIFF keeps chunks word-aligned: an odd-sized body is followed by a pad byte its size omits.
    offset = bodyOffset + declaredSize + (declaredSize & 1);
  }
}

/** A four-character code, with bytes that are not printable ASCII shown as '?'. */
export function fourCC(buf: Buffer, offset: number): string {
  return buf.toString('latin1', offset, offset + 4).replace(/[^\x20-\x7e]/g, '?');
}
