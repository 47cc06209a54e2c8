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
export { ASSEMBLYAI_DEFAULT_BASE_URL } from './lib/assemblyai/assemblyai-provider.options';
export { AssemblyAIProvider } from './lib/assemblyai/assemblyai.provider';
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
