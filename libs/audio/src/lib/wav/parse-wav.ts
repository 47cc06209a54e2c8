import { AudioFormatError } from '../audio-format.error';
import { readFmtChunk, WavFormat } from './fmt-chunk';
import { fourCC, RiffChunk, riffChunks } from './riff-chunks';
import { WavInfo } from './wav-info';

/** RIFF header (12) + the smallest `fmt ` chunk (24) + a `data` chunk header (8). */
const MIN_WAV_BYTES = 44;

// Writers that cannot seek back to patch the header (ffmpeg writing to a pipe, via
// ff_start_tag) leave its placeholder 0xFFFFFFFF as the data size; ffmpeg's own demuxer reads both
// that and 0 as "unknown length". Either means the samples run to the end of what was received.
const UNKNOWN_DATA_SIZES: ReadonlySet<number> = new Set([0xffffffff, 0]);

interface DataRegion {
  offset: number;
  length: number;
  /** The header gave no length, so a cut-off final frame is expected, not an error. */
  unknownLength: boolean;
}

/**
 * Parses a RIFF/WAVE file: walks its chunks (skipping LIST and others, honouring odd-size
 * padding) to find `fmt ` and `data`. Supports PCM 8/16/24/32-bit and IEEE float 32-bit, plain or
 * as WAVE_FORMAT_EXTENSIBLE. A data size of 0xFFFFFFFF or 0 (a streaming writer's placeholder)
 * means "to the end of the buffer", cut to whole frames; any other size that exceeds the buffer
 * is an error.
 *
 * @throws AudioFormatError saying exactly what is wrong with the file.
 */
export function parseWav(buf: Buffer): WavInfo {
  if (buf.length < MIN_WAV_BYTES) {
    throw new AudioFormatError(
      `WAV header truncated: expected at least ${MIN_WAV_BYTES} bytes, got ${buf.length}`,
    );
  }
  assertRiffWave(buf);

  let format: WavFormat | undefined;
  let data: DataRegion | undefined;
  let overrun: RiffChunk | undefined;
  for (const chunk of riffChunks(buf)) {
    if (chunk.id === 'fmt ' && !format) format = readFmtChunk(buf, chunk);
    else if (chunk.id === 'data' && !data) data = locateData(chunk);
    else if (chunk.declaredSize > chunk.remaining) overrun = chunk;
    if (format && data) break;
  }
  if (!format) throw new AudioFormatError(missingChunkMessage('fmt ', overrun));
  if (!data) throw new AudioFormatError(missingChunkMessage('data', overrun));

  const length = wholeFrames(data, format.blockAlign);
  return {
    ...format,
    dataOffset: data.offset,
    dataLength: length,
    durationSeconds: length / format.blockAlign / format.sampleRate,
  };
}

function assertRiffWave(buf: Buffer): void {
  const riff = fourCC(buf, 0);
  if (riff !== 'RIFF') {
    throw new AudioFormatError(`not a WAV file: expected 'RIFF' at byte 0, found '${riff}'`);
  }
  const wave = fourCC(buf, 8);
  if (wave !== 'WAVE') {
    throw new AudioFormatError(`not a WAV file: RIFF form type is '${wave}', expected 'WAVE'`);
  }
}

function locateData(chunk: RiffChunk): DataRegion {
  const unknownLength = UNKNOWN_DATA_SIZES.has(chunk.declaredSize);
  if (!unknownLength && chunk.declaredSize > chunk.remaining) {
    throw new AudioFormatError(
      `data chunk declares ${chunk.declaredSize} bytes but only ${chunk.remaining} follow`,
    );
  }
  return {
    offset: chunk.bodyOffset,
    length: unknownLength ? chunk.remaining : chunk.declaredSize,
    unknownLength,
  };
}

function wholeFrames(data: DataRegion, blockAlign: number): number {
  const partial = data.length % blockAlign;
  if (partial !== 0 && !data.unknownLength) {
    throw new AudioFormatError(
      `data chunk of ${data.length} bytes is not a whole number of ${blockAlign}-byte frames`,
    );
  }
  return data.length - partial;
}

function missingChunkMessage(id: string, overrun: RiffChunk | undefined): string {
  if (!overrun) return `WAV has no '${id}' chunk`;
  return (
    `WAV header truncated: no '${id}' chunk before '${overrun.id}' at byte ${overrun.offset}, ` +
    `which declares ${overrun.declaredSize} bytes but only ${overrun.remaining} follow`
  );
}
