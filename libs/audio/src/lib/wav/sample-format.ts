import { AudioFormatError } from '../audio-format.error';
import { AudioRejectedError } from '../validate/audio-rejected.error';

/** How samples are stored: signed integers (unsigned for 8-bit, as WAV defines) or IEEE floats. */
export type SampleEncoding = 'pcm' | 'float';

/** `wFormatTag` values (mmreg.h) this library reads and writes. */
export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const SUPPORTED_BITS: Record<SampleEncoding, readonly number[]> = {
  pcm: [8, 16, 24, 32],
  float: [32],
};

export const SUPPORTED_SAMPLE_FORMATS = 'only PCM 8/16/24/32-bit and IEEE float 32-bit';

/** Maps a WAV format code (plain, or from an extensible sub-format) to its sample encoding. */
export function sampleEncodingOf(formatCode: number): SampleEncoding {
  if (formatCode === WAVE_FORMAT_PCM) return 'pcm';
  if (formatCode === WAVE_FORMAT_IEEE_FLOAT) return 'float';
  throw new AudioFormatError(`unsupported WAV encoding ${formatCode} (${SUPPORTED_SAMPLE_FORMATS})`);
}

export function formatCodeOf(encoding: SampleEncoding): number {
  return encoding === 'pcm' ? WAVE_FORMAT_PCM : WAVE_FORMAT_IEEE_FLOAT;
}

export function assertSupportedSampleFormat(encoding: SampleEncoding, bitsPerSample: number): void {
  if (!SUPPORTED_BITS[encoding].includes(bitsPerSample)) {
    const name = encoding === 'pcm' ? 'PCM' : 'IEEE float';
    throw new AudioRejectedError(
      'audio_sample_format',
      `unsupported WAV sample format: ${name} ${bitsPerSample}-bit (${SUPPORTED_SAMPLE_FORMATS})`,
    );
  }
}
