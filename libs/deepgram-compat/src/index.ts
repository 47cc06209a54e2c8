// The router's Deepgram-compatible API: live WebSocket /v1/listen (supervised live sessions) and
// prerecorded POST /v1/listen.
export { parseDeepgramQuery } from './lib/deepgram-query';
export type { DeepgramListenRequest, DeepgramQueryOutcome } from './lib/deepgram-query';
export {
  DEEPGRAM_CLOSE,
  NET_0001,
  deepgramFailover,
  deepgramMetadata,
  deepgramResults,
  deepgramSpeechStarted,
  deepgramUtteranceEnd,
  modelUuid,
} from './lib/deepgram-messages';
export type {
  DeepgramFailover,
  DeepgramMetadata,
  DeepgramResults,
  StreamscribeStamp,
} from './lib/deepgram-messages';
export {
  DeepgramListenGateway,
  LIVE_LISTEN_MAX_FRAME_BYTES,
  checkListenUpgrade,
} from './lib/deepgram-listen.gateway';
export { LIVE_CAPABLE_PROVIDERS, LiveListenConnection } from './lib/live-listen.connection';
export type { LiveListenDeps, LiveListenSettings, LiveListenStart } from './lib/live-listen.connection';
export { liveRouterMetrics } from './lib/live-metrics';
export { DeepgramListenController } from './lib/deepgram-listen.controller';
export { deepgramError, deepgramPrerecordedResponse } from './lib/deepgram-prerecorded';
export type { DeepgramErrorBody } from './lib/deepgram-prerecorded';
