export { AudioFormatError } from './lib/audio-format.error';
export type { SampleEncoding } from './lib/wav/sample-format';
export { parseWav } from './lib/wav/parse-wav';
export { encodeWav } from './lib/wav/encode-wav';
export { parseAudioContentType } from './lib/content-type/parse-audio-content-type';
export { frameBytes, samplesOf } from './lib/audio-description';
export type { AudioDescription } from './lib/audio-description';
export { inspectAudio } from './lib/inspect-audio';
export { splitAudio } from './lib/split-audio';
export { prepareProviderAudio } from './lib/provider/provider-audio';
export type { ProviderAudio } from './lib/provider/provider-audio';
export { checkDuration } from './lib/provider/duration-check';
export {
  compressedFormatOf,
  sniffCompressedFormat,
  COMPRESSED_MEDIA_TYPES,
} from './lib/decode/compressed-format';
export type { CompressedFormat } from './lib/decode/compressed-format';
export { FfmpegDecoder, DECODED_SAMPLE_RATE } from './lib/decode/ffmpeg-decoder';
export type { FfmpegDecoderOptions, DecodedPcm } from './lib/decode/ffmpeg-decoder';
export { FfmpegUnavailableError } from './lib/decode/ffmpeg-unavailable.error';
export { AudioTooLongError } from './lib/decode/audio-too-long.error';
