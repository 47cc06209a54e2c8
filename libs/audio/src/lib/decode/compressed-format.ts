/** Compressed containers this system decodes through ffmpeg, named by what clients send. */
export type CompressedFormat = 'mp3' | 'ogg' | 'flac' | 'm4a' | 'aac' | 'webm';

const MEDIA_TYPES: ReadonlyMap<string, CompressedFormat> = new Map([
  ['audio/mpeg', 'mp3'],
  ['audio/mp3', 'mp3'],
  ['audio/mpeg3', 'mp3'],
  ['audio/x-mpeg-3', 'mp3'],
  ['audio/ogg', 'ogg'],
  ['audio/opus', 'ogg'],
  ['application/ogg', 'ogg'],
  ['audio/flac', 'flac'],
  ['audio/x-flac', 'flac'],
  ['audio/mp4', 'm4a'],
  ['audio/m4a', 'm4a'],
  ['audio/x-m4a', 'm4a'],
  ['video/mp4', 'm4a'],
  ['audio/aac', 'aac'],
  ['audio/aacp', 'aac'],
  ['audio/x-aac', 'aac'],
  ['audio/webm', 'webm'],
  ['video/webm', 'webm'],
  ['audio/x-matroska', 'webm'],
]);

/** For error messages: one media type per format. */
export const COMPRESSED_MEDIA_TYPES =
  'audio/mpeg, audio/ogg (opus or vorbis), audio/flac, audio/mp4 (m4a), audio/aac, audio/webm';

/**
 * The ffmpeg demuxer for each format. It is always forced (`-f`), never probed: a probed input
 * could be an HLS or concat playlist that makes ffmpeg open other files or URLs.
 */
export const FFMPEG_DEMUXER: Readonly<Record<CompressedFormat, string>> = {
  mp3: 'mp3',
  ogg: 'ogg',
  flac: 'flac',
  m4a: 'mov',
  aac: 'aac',
  webm: 'matroska',
};

/** The compressed format a Content-Type declares (parameters such as `codecs=opus` ignored), or undefined. */
export function compressedFormatOf(contentType: string | undefined): CompressedFormat | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return MEDIA_TYPES.get(mediaType);
}

/**
 * The container the bytes start with, or undefined. Clients label audio loosely (an m4a sent as
 * `audio/aac`, a classic producer that declares nothing), so the bytes win over the label.
 */
export function sniffCompressedFormat(bytes: Buffer): CompressedFormat | undefined {
  if (bytes.length < 4) return undefined;
  const ascii = (start: number, end: number) => bytes.toString('latin1', start, end);
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (bytes.length >= 8 && ascii(4, 8) === 'ftyp') return 'm4a';
  if (bytes.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
  if (ascii(0, 3) === 'ID3') return 'mp3';
  // Both start with an 11-bit frame sync; ADTS has layer bits 00, MPEG audio never does.
  if (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) return (bytes[1] & 0x06) === 0 ? 'aac' : 'mp3';
  return undefined;
}
