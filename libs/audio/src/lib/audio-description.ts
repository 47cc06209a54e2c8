import { AudioFormatError } from './audio-format.error';
import { SampleEncoding } from './wav/sample-format';

/** Validated audio: its declared format, its sample layout, and where its samples are in the body. */
export interface AudioDescription {
  format: 'wav' | 'l16';
  /** Always 'pcm' for l16; a WAV may hold IEEE floats. */
  encoding: SampleEncoding;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  durationSeconds: number;
  /** Byte offset of the first sample in the body (0 for l16). */
  pcmOffset: number;
  /** Bytes of samples, a whole number of frames. */
  pcmLength: number;
}

export function frameBytes(description: AudioDescription): number {
  return (description.channels * description.bitsPerSample) / 8;
}

/** The body's samples, after checking the description fits the body it claims to describe. */
export function samplesOf(body: Buffer, description: AudioDescription): Buffer {
  const end = description.pcmOffset + description.pcmLength;
  if (end > body.length) {
    throw new AudioFormatError(
      `audio description expects samples up to byte ${end} but the body has ${body.length}; describe this body with inspectAudio`,
    );
  }
  return body.subarray(description.pcmOffset, end);
}
