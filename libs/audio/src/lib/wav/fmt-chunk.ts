import { AudioFormatError } from '../audio-format.error';
import { RiffChunk } from './riff-chunks';
import {
  assertSupportedSampleFormat,
  SampleEncoding,
  sampleEncodingOf,
  SUPPORTED_SAMPLE_FORMATS,
  WAVE_FORMAT_EXTENSIBLE,
} from './sample-format';

/** The sample layout a `fmt ` chunk declares. */
export interface WavFormat {
  encoding: SampleEncoding;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  blockAlign: number;
}

const PLAIN_FMT_BYTES = 16;
// WAVEFORMATEX (16) + cbSize (2) + WAVEFORMATEXTENSIBLE's valid bits, channel mask and GUID (22).
const EXTENSIBLE_FMT_BYTES = 40;
const SUB_FORMAT_OFFSET = 24;
// KSDATAFORMAT_SUBTYPE_* GUIDs are the format code followed by these 14 bytes (as stored on disk).
const SUB_FORMAT_GUID_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');

/** Reads and validates a `fmt ` chunk: PCM, IEEE float, or WAVE_FORMAT_EXTENSIBLE of either. */
export function readFmtChunk(buf: Buffer, chunk: RiffChunk): WavFormat {
  if (chunk.declaredSize < PLAIN_FMT_BYTES) {
    throw new AudioFormatError(
      `WAV 'fmt ' chunk is ${chunk.declaredSize} bytes; a WAV format needs at least ${PLAIN_FMT_BYTES}`,
    );
  }
  if (chunk.declaredSize > chunk.remaining) {
    throw new AudioFormatError(
      `WAV header truncated: 'fmt ' chunk declares ${chunk.declaredSize} bytes but only ${chunk.remaining} follow`,
    );
  }
  const at = chunk.bodyOffset;
  const formatTag = buf.readUInt16LE(at);
  const format: WavFormat = {
    encoding: sampleEncodingOf(formatTag === WAVE_FORMAT_EXTENSIBLE ? subFormatCode(buf, chunk) : formatTag),
    channels: buf.readUInt16LE(at + 2),
    sampleRate: buf.readUInt32LE(at + 4),
    // at + 8 is the byte rate: derived from the rest, and wrong in enough files to be ignored.
    blockAlign: buf.readUInt16LE(at + 12),
    bitsPerSample: buf.readUInt16LE(at + 14),
  };
  assertConsistent(format);
  return format;
}

function subFormatCode(buf: Buffer, chunk: RiffChunk): number {
  if (chunk.declaredSize < EXTENSIBLE_FMT_BYTES) {
    throw new AudioFormatError(
      `WAV 'fmt ' chunk is WAVE_FORMAT_EXTENSIBLE but only ${chunk.declaredSize} bytes; it needs ${EXTENSIBLE_FMT_BYTES} to hold the sub-format GUID`,
    );
  }
  const guid = buf.subarray(chunk.bodyOffset + SUB_FORMAT_OFFSET, chunk.bodyOffset + SUB_FORMAT_OFFSET + 16);
  if (!guid.subarray(2).equals(SUB_FORMAT_GUID_TAIL)) {
    throw new AudioFormatError(
      `unsupported WAVE_FORMAT_EXTENSIBLE sub-format ${guid.toString('hex')} (${SUPPORTED_SAMPLE_FORMATS})`,
    );
  }
  return guid.readUInt16LE(0);
}

function assertConsistent(format: WavFormat): void {
  if (format.channels === 0) throw new AudioFormatError('WAV declares 0 channels; it needs at least 1');
  if (format.sampleRate === 0) throw new AudioFormatError('WAV declares a sample rate of 0 Hz');
  assertSupportedSampleFormat(format.encoding, format.bitsPerSample);
  const expected = (format.channels * format.bitsPerSample) / 8;
  if (format.blockAlign !== expected) {
    throw new AudioFormatError(
      `WAV blockAlign is ${format.blockAlign} but ${format.channels} channel(s) of ${format.bitsPerSample}-bit samples need ${expected}`,
    );
  }
}
