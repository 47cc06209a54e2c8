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
export {
  AUDIO_LIMITS,
  assertAcceptableAudio,
  assertAcceptableFormat,
  assertEnoughAudio,
} from './lib/validate/validate-audio';
export type { AudioShape } from './lib/validate/validate-audio';
export {
  AUDIO_PROBLEM_CODES,
  AudioRejectedError,
  audioProblemCodeOf,
} from './lib/validate/audio-rejected.error';
export type { AudioProblemCode } from './lib/validate/audio-rejected.error';
export { planChunks } from './lib/validate/plan-chunks';
export type { ChunkPlan } from './lib/validate/plan-chunks';
export { splitAudioStream } from './lib/streaming-splitter';
export { MAX_WAV_HEADER_BYTES, readWavPrefix } from './lib/wav/read-wav-prefix';
export type { WavPrefix } from './lib/wav/read-wav-prefix';
export { planPauseCuts } from './lib/pause-cuts/pause-cut-plan';
export type { PauseCutOptions, PauseCutPlan } from './lib/pause-cuts/pause-cut-plan';
export { splitAudioStreamAtPauses } from './lib/pause-cuts/pause-splitter';
export type { CutChunk } from './lib/pause-cuts/pause-splitter';
export { monoFloats, pausesWithin } from './lib/pause-cuts/speech-spans';
export type { SpeechSpan, SpeechSpanFinder } from './lib/pause-cuts/speech-spans';
