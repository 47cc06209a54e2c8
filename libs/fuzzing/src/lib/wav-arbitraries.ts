import fc from 'fast-check';

/**
 * Hostile WAV files for fuzzing parsers: mostly well-formed RIFF structure (so the generator
 * reaches deep into chunk walking and `fmt ` validation) with sizes, formats and lengths taken
 * from the edges: truncated, oversized, odd, zero, 0xFFFFFFFF, huge sample rates and channel
 * counts, unsupported bit depths, extensible sub-formats, and random byte flips.
 */

const U32_EDGES = [0, 1, 2, 3, 7, 8, 15, 16, 17, 39, 40, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** A 32-bit field: a small value, an edge, or anything. */
const u32 = fc.oneof(fc.nat(64), fc.constantFrom(...U32_EDGES), fc.nat({ max: 0xffffffff }));
const u16 = fc.oneof(
  fc.nat(16),
  fc.constantFrom(0, 1, 2, 8, 9, 255, 256, 0x7fff, 0xfffe, 0xffff),
  fc.nat(0xffff),
);

export interface FmtFields {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  /** Sub-format code of an extensible fmt chunk (0xFFFE), written with the standard GUID tail unless `guidTail` says otherwise. */
  subFormat?: number;
  guidTail?: Uint8Array;
}

export const fmtFieldsArb: fc.Arbitrary<FmtFields> = fc
  .record({
    formatTag: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1, 3, 0xfffe) }, u16),
    channels: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1, 2, 8, 9, 0, 0xffff) }, u16),
    sampleRate: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(1, 8000, 16000, 48000, 192000, 4_000_000_000, 0) },
      u32,
    ),
    bitsPerSample: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(8, 16, 24, 32) }, u16),
    blockAlignDelta: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: -2, max: 2 })),
    subFormat: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1, 3) }, u16),
    guidTail: fc.option(fc.uint8Array({ minLength: 14, maxLength: 14 }), { freq: 8 }),
  })
  .map(({ blockAlignDelta, guidTail, ...f }) => ({
    ...f,
    blockAlign: (((f.channels * f.bitsPerSample) / 8 + blockAlignDelta) >>> 0) & 0xffff,
    guidTail: guidTail ?? undefined,
  }));

const GUID_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');

export function fmtBody(f: FmtFields): Buffer {
  const extensible = f.formatTag === 0xfffe;
  const b = Buffer.alloc(extensible ? 40 : 16);
  b.writeUInt16LE(f.formatTag & 0xffff, 0);
  b.writeUInt16LE(f.channels & 0xffff, 2);
  b.writeUInt32LE(f.sampleRate >>> 0, 4);
  b.writeUInt32LE(Math.min(0xffffffff, f.sampleRate * f.blockAlign) >>> 0, 8);
  b.writeUInt16LE(f.blockAlign & 0xffff, 12);
  b.writeUInt16LE(f.bitsPerSample & 0xffff, 14);
  if (extensible) {
    b.writeUInt16LE(22, 16);
    b.writeUInt16LE(f.bitsPerSample & 0xffff, 18);
    b.writeUInt16LE((f.subFormat ?? 1) & 0xffff, 24);
    Buffer.from(f.guidTail ?? GUID_TAIL).copy(b, 26);
  }
  return b;
}

export interface RiffChunkSpec {
  id: string;
  body: Uint8Array;
  /** The size the header declares; the body written is `body` whatever this says. */
  declaredSize: number;
  /** Write RIFF's pad byte after an odd-sized body. */
  pad: boolean;
}

function chunkArb(id: fc.Arbitrary<string>, body: fc.Arbitrary<Uint8Array>): fc.Arbitrary<RiffChunkSpec> {
  return fc
    .record({
      id,
      body,
      size: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, u32),
      sizeDelta: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: -3, max: 3 })),
      pad: fc.boolean(),
    })
    .map(({ id, body, size, sizeDelta, pad }) => ({
      id,
      body,
      declaredSize: size === -1 ? Math.max(0, body.length + sizeDelta) : size,
      pad,
    }));
}

const fourCCArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('LIST', 'junk', 'fact', 'JUNK', 'bext') },
  fc.string({ unit: 'binary-ascii', minLength: 4, maxLength: 4 }),
);

const smallBody = fc.uint8Array({ maxLength: 48 });

export const fmtChunkArb: fc.Arbitrary<RiffChunkSpec> = chunkArb(
  fc.constant('fmt '),
  fc.oneof({ weight: 6, arbitrary: fmtFieldsArb.map((f) => new Uint8Array(fmtBody(f))) }, smallBody),
);
export const dataChunkArb: fc.Arbitrary<RiffChunkSpec> = chunkArb(
  fc.constant('data'),
  fc.uint8Array({ maxLength: 256 }),
);
export const otherChunkArb: fc.Arbitrary<RiffChunkSpec> = chunkArb(fourCCArb, smallBody);

export function riffChunkBytes(chunk: RiffChunkSpec): Buffer {
  const header = Buffer.alloc(8);
  header.write(chunk.id, 0, 'latin1');
  header.writeUInt32LE(chunk.declaredSize >>> 0, 4);
  const pad = chunk.pad && chunk.body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([header, Buffer.from(chunk.body), pad]);
}

/**
 * Well-formed WAVs at the edges of what the header can say: any supported sample format, 1 to
 * 65,535 channels, 1 Hz to 4.29 GHz, zero or more frames, a data size that is exact or "unknown"
 * (0 or 0xFFFFFFFF, as streaming writers leave it), a LIST chunk before the data or not.
 */
export const plausibleWavArb: fc.Arbitrary<Buffer> = fc
  .record({
    format: fc.constantFrom(
      { formatTag: 1, bitsPerSample: 8 },
      { formatTag: 1, bitsPerSample: 16 },
      { formatTag: 1, bitsPerSample: 24 },
      { formatTag: 1, bitsPerSample: 32 },
      { formatTag: 3, bitsPerSample: 32 },
      { formatTag: 0xfffe, bitsPerSample: 16, subFormat: 1 },
      { formatTag: 0xfffe, bitsPerSample: 32, subFormat: 3 },
    ),
    channels: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }) },
      fc.constantFrom(9, 255, 8191, 0xffff),
    ),
    sampleRate: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(8000, 16000, 44100, 48000, 192000) },
      fc.constantFrom(1, 7999, 192001, 4_000_000_000, 0xffffffff),
      fc.integer({ min: 1, max: 0xffffffff }),
    ),
    frames: fc.oneof(fc.constant(0), fc.nat(64)),
    dataSize: fc.constantFrom('exact', 'exact', 'exact', 'zero', 'unknown'),
    list: fc.boolean(),
    trailing: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.nat(3)),
  })
  .map(({ format, channels, sampleRate, frames, dataSize, list, trailing }) => {
    const blockAlign = (channels * format.bitsPerSample) / 8;
    const fmt = fmtBody({ ...format, channels, sampleRate, blockAlign });
    const samples = Buffer.alloc(Math.min(frames * blockAlign, 4096) + trailing, 0x11);
    const declared = dataSize === 'exact' ? samples.length : dataSize === 'zero' ? 0 : 0xffffffff;
    const chunks: RiffChunkSpec[] = [
      { id: 'fmt ', body: fmt, declaredSize: fmt.length, pad: true },
      ...(list ? [{ id: 'LIST', body: new Uint8Array(5), declaredSize: 5, pad: true }] : []),
      { id: 'data', body: samples, declaredSize: declared, pad: true },
    ];
    const body = Buffer.concat(chunks.map(riffChunkBytes));
    const header = Buffer.alloc(12);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(body.length + 4, 4);
    header.write('WAVE', 8, 'latin1');
    return Buffer.concat([header, body]);
  });

/**
 * RIFF/WAVE files: `fmt `, `data` and other chunks in any order (either may be missing or
 * repeated), a RIFF size that is right or anything, optionally cut short and with a few bytes
 * overwritten.
 */
export const mangledWavArb: fc.Arbitrary<Buffer> = fc
  .record({
    chunks: fc.array(fc.oneof(fmtChunkArb, dataChunkArb, otherChunkArb), { maxLength: 4 }),
    lead: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom<string[]>(['fmt ', 'data'], ['fmt ', 'LIST', 'data'], ['data', 'fmt ']),
      },
      fc.constant<string[]>([]),
    ),
    fmt: fmtChunkArb,
    data: dataChunkArb,
    riffSize: fc.option(u32, { freq: 4 }),
    magic: fc.oneof(
      { weight: 9, arbitrary: fc.constant(['RIFF', 'WAVE']) },
      fc.tuple(fc.constantFrom('RIFF', 'RIFX', 'RF64', '\0\0\0\0'), fc.constantFrom('WAVE', 'AVI ', 'wave')),
    ),
    cut: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, fc.nat()),
    flips: fc.oneof(
      { weight: 4, arbitrary: fc.constant([] as Array<[number, number]>) },
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }),
    ),
  })
  .map(({ chunks, lead, fmt, data, riffSize, magic, cut, flips }) => {
    const ordered = [
      ...lead.map((id) =>
        id === 'fmt '
          ? fmt
          : id === 'data'
            ? data
            : { id, body: new Uint8Array(3), declaredSize: 3, pad: true },
      ),
      ...chunks,
    ];
    const body = Buffer.concat(ordered.map(riffChunkBytes));
    const header = Buffer.alloc(12);
    header.write(magic[0], 0, 'latin1');
    header.writeUInt32LE((riffSize ?? body.length + 4) >>> 0, 4);
    header.write(magic[1], 8, 'latin1');
    let bytes = Buffer.concat([header, body]);
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
    return bytes;
  });

/** Plausible WAVs at the edges and mangled ones, half and half. */
export const hostileWavArb: fc.Arbitrary<Buffer> = fc.oneof(plausibleWavArb, mangledWavArb);

/** Anything: hostile WAVs, and bytes with no structure at all. */
export const audioBytesArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: hostileWavArb },
  fc.uint8Array({ maxLength: 128 }).map((b) => Buffer.from(b)),
);
