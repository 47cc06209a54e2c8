/** Boxes on the path from `moov` to the chunk offset tables. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

interface Box {
  type: string;
  start: number;
  size: number;
  headerSize: number;
}

/**
 * An MP4/M4A with its index (`moov`) moved before the audio (`mdat`), as `-movflags +faststart`
 * writes it; the same bytes when it already is, or when the boxes cannot be walked.
 *
 * Phones and most encoders write the index last, and ffmpeg reading from a pipe cannot seek back to
 * it: past a few tens of kB of audio it fails ("partial file"). The whole upload is in memory
 * anyway, so the boxes are reordered here, and every chunk offset (`stco`, `co64`) moved by the
 * index's size, instead of writing a temporary file ffmpeg could seek in.
 */
export function mp4IndexFirst(bytes: Buffer): Buffer {
  const boxes = topLevelBoxes(bytes);
  if (boxes === undefined) return bytes;
  const moovIndex = boxes.findIndex((b) => b.type === 'moov');
  const mdatIndex = boxes.findIndex((b) => b.type === 'mdat');
  if (moovIndex < 0 || mdatIndex < 0 || moovIndex < mdatIndex) return bytes;
  const moovBox = boxes[moovIndex];
  const moov = Buffer.from(bytes.subarray(moovBox.start, moovBox.start + moovBox.size));
  if (!shiftChunkOffsets(moov, moovBox.headerSize, moov.length, moov.length)) return bytes;
  const before = boxes.slice(0, mdatIndex);
  const after = boxes.slice(mdatIndex).filter((_, i) => i + mdatIndex !== moovIndex);
  const slice = (b: Box) => bytes.subarray(b.start, b.start + b.size);
  return Buffer.concat([...before.map(slice), moov, ...after.map(slice)]);
}

function readBox(bytes: Buffer, start: number, end: number): Box | undefined {
  if (start + 8 > end) return undefined;
  let size = bytes.readUInt32BE(start);
  const type = bytes.toString('latin1', start + 4, start + 8);
  let headerSize = 8;
  if (size === 1) {
    if (start + 16 > end) return undefined;
    size = Number(bytes.readBigUInt64BE(start + 8));
    headerSize = 16;
  } else if (size === 0) size = end - start;
  if (size < headerSize || start + size > end) return undefined;
  return { type, start, size, headerSize };
}

function topLevelBoxes(bytes: Buffer): Box[] | undefined {
  const boxes: Box[] = [];
  for (let at = 0; at < bytes.length;) {
    const box = readBox(bytes, at, bytes.length);
    if (box === undefined) return undefined;
    boxes.push(box);
    at += box.size;
  }
  return boxes;
}

/** Adds `shift` to every chunk offset under [start, end) of `moov`; false when a table is malformed or would overflow. */
function shiftChunkOffsets(moov: Buffer, start: number, end: number, shift: number): boolean {
  for (let at = start; at < end;) {
    const box = readBox(moov, at, end);
    if (box === undefined) return false;
    const body = box.start + box.headerSize;
    if (CONTAINERS.has(box.type)) {
      if (!shiftChunkOffsets(moov, body, box.start + box.size, shift)) return false;
    } else if (box.type === 'stco' || box.type === 'co64') {
      // Full box: version and flags (4 bytes), entry count (4), then the offsets.
      const entrySize = box.type === 'stco' ? 4 : 8;
      const count = moov.readUInt32BE(body + 4);
      if (body + 8 + count * entrySize > box.start + box.size) return false;
      for (let i = 0; i < count; i++) {
        const offset = body + 8 + i * entrySize;
        if (entrySize === 4) {
          const shifted = moov.readUInt32BE(offset) + shift;
          if (shifted > 0xffffffff) return false;
          moov.writeUInt32BE(shifted, offset);
        } else moov.writeBigUInt64BE(moov.readBigUInt64BE(offset) + BigInt(shift), offset);
      }
    }
    at = box.start + box.size;
  }
  return true;
}
