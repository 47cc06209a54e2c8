export { TRANSCRIPTION_PROVIDER } from './lib/transcription-provider';
export type {
  ProviderCapabilities,
  ProviderTranscript,
  TranscriptionProvider,
  TranscriptionRequest,
} from './lib/transcription-provider';
export { ProviderError } from './lib/provider-error';
export { costOf, parsePriceTable } from './lib/pricing/price-table';
export type { Cost, PriceTable } from './lib/pricing/price-table';
export { DEEPGRAM_DEFAULT_BASE_URL } from './lib/deepgram/deepgram-provider.options';
export { DeepgramProvider } from './lib/deepgram/deepgram.provider';
export { DeepgramLiveTranscriber } from './lib/deepgram/deepgram-live.transcriber';
export {
  DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS,
  DEEPGRAM_LIVE_CONNECT_TIMEOUT_MS,
  DEEPGRAM_LIVE_KEEPALIVE_MS,
  deepgramLiveEnvironment,
} from './lib/deepgram/deepgram-live.options';
export type { DeepgramLiveOptions } from './lib/deepgram/deepgram-live.options';
export { ASSEMBLYAI_DEFAULT_BASE_URL } from './lib/assemblyai/assemblyai-provider.options';
export { AssemblyAIProvider } from './lib/assemblyai/assemblyai.provider';
export {
  AssemblyAILiveTranscriber,
  assemblyAIStreamingUrl,
} from './lib/assemblyai/assemblyai-live.transcriber';
export type { AssemblyAILiveOptions } from './lib/assemblyai/assemblyai-live.transcriber';
export { LIVE_TRANSCRIBER } from './lib/live/live-transcriber';
export type {
  LiveConnection,
  LiveConnectionHandlers,
  LiveProviderWord,
  LiveTranscriber,
  LiveTranscriberEvent,
} from './lib/live/live-transcriber';
export { SEGMENTING_VAD_DEFAULTS, SegmentingLiveTranscriber } from './lib/live/segmenting-live.transcriber';
export type { SegmentingLiveSettings } from './lib/live/segmenting-live.transcriber';
export { SegmentingConnection } from './lib/live/segmenting-live.connection';
