import { AudioFormatError } from '../audio-format.error';
import { WavFormat, readFmtChunk } from './fmt-chunk';
import { fourCC, riffChunks } from './riff-chunks';

/** The most header a streamed WAV may have before its samples (LIST and other chunks included). */
export const MAX_WAV_HEADER_BYTES = 64 * 1024;

const UNKNOWN_DATA_SIZES: ReadonlySet<number> = new Set([0xffffffff, 0]);

/** A streamed WAV's layout and where its samples are, read from its first bytes only. */
export interface WavPrefix extends WavFormat {
  dataOffset: number;
  /** Bytes of samples, a whole number of frames. */
  dataLength: number;
}

/**
 * Reads a WAV's header from the first bytes of a stream, so a streamed upload is judged before its
 * samples arrive. Returns undefined while `prefix` does not yet reach the `data` chunk's header.
 * The samples' length is the data chunk's declared size; for a streaming writer's placeholder
 * size (0 or 0xFFFFFFFF) it is what `totalBytes` (the Content-Length) leaves after the header.
 * `fmt ` must come before `data`: a stream cannot go back for it.
 *
 * @throws AudioFormatError for a header that is not WAV, is malformed, does not fit `totalBytes`,
 *   or is longer than MAX_WAV_HEADER_BYTES.
 */
export function readWavPrefix(prefix: Buffer, totalBytes: number | undefined): WavPrefix | undefined {
  if (prefix.length >= 12) {
    for (const [offset, expected] of [
      [0, 'RIFF'],
      [8, 'WAVE'],
    ] as const) {
      const found = fourCC(prefix, offset);
      if (found !== expected)
        throw new AudioFormatError(
          `not a WAV file: expected '${expected}' at byte ${offset}, found '${found}'`,
        );
    }
  }
  let format: WavFormat | undefined;
  for (const chunk of riffChunks(prefix)) {
    if (chunk.id === 'fmt ') {
      if (chunk.declaredSize > chunk.remaining) break;
      format ??= readFmtChunk(prefix, chunk);
      continue;
    }
    if (chunk.id !== 'data') continue;
    if (!format)
      throw new AudioFormatError(
        "WAV has its 'data' chunk before 'fmt ': a streamed upload needs 'fmt ' first (any WAV writer puts it there)",
      );
    return { ...format, dataOffset: chunk.bodyOffset, dataLength: dataLength(chunk, format, totalBytes) };
  }
  if (prefix.length >= MAX_WAV_HEADER_BYTES || (totalBytes !== undefined && prefix.length >= totalBytes)) {
    throw new AudioFormatError(
      prefix.length >= MAX_WAV_HEADER_BYTES
        ? `WAV has no 'data' chunk in its first ${MAX_WAV_HEADER_BYTES} bytes`
        : `WAV header truncated: no ${format ? "'data'" : "'fmt '"} chunk in the ${prefix.length} bytes sent`,
    );
  }
  return undefined;
}

function dataLength(
  chunk: { declaredSize: number; bodyOffset: number },
  format: WavFormat,
  totalBytes: number | undefined,
): number {
  const available = totalBytes === undefined ? undefined : totalBytes - chunk.bodyOffset;
  if (UNKNOWN_DATA_SIZES.has(chunk.declaredSize)) {
    if (available === undefined)
      throw new AudioFormatError(
        'the WAV does not say how long its data is (size 0 or 0xFFFFFFFF) and the request has no Content-Length: send one',
      );
    return available - (available % format.blockAlign);
  }
  if (chunk.declaredSize % format.blockAlign !== 0)
    throw new AudioFormatError(
      `data chunk of ${chunk.declaredSize} bytes is not a whole number of ${format.blockAlign}-byte frames`,
    );
  if (available !== undefined && chunk.declaredSize > available)
    throw new AudioFormatError(
      `data chunk declares ${chunk.declaredSize} bytes but the request's Content-Length leaves only ${available}`,
    );
  return chunk.declaredSize;
}
