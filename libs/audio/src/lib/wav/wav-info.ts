import { SampleEncoding } from './sample-format';

/** What a WAV file holds and where its samples are. */
export interface WavInfo {
  encoding: SampleEncoding;
  sampleRate: number;
  channels: number;
  /** Container size of one sample (an extensible file's valid bits may be fewer). */
  bitsPerSample: number;
  /** Bytes per frame: one sample for every channel. */
  blockAlign: number;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Bytes of samples, always a whole number of frames. */
  dataLength: number;
  durationSeconds: number;
}
