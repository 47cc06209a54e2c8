export type { InferenceDevice, SessionSettings } from './lib/runtime/inference-device';
export { CudaUnavailableError } from './lib/runtime/cuda-unavailable.error';
export { OnnxSessionFactory } from './lib/runtime/onnx-session.factory';
export { withInferenceSettings } from './lib/settings/with-inference-settings';
export {
  withWhisperDecodingSettings,
  whisperDecodingFrom,
} from './lib/settings/with-whisper-decoding-settings';
export type { WhisperDecodingSettings } from './lib/settings/with-whisper-decoding-settings';
export { FASTER_WHISPER_DECODING, GREEDY_DECODING } from './lib/whisper/decoding/whisper-decoding-options';
export type { WhisperDecodingOptions } from './lib/whisper/decoding/whisper-decoding-options';
export { loadWhisperModelFiles, WHISPER_DTYPE_SUFFIXES } from './lib/whisper/whisper-model-files';
export type { WhisperDtype } from './lib/whisper/whisper-model-files';
export { WhisperEngine } from './lib/whisper/whisper-engine';
export type { WhisperWindow, WindowResult } from './lib/whisper/whisper-engine';
export { ParakeetEngine } from './lib/parakeet/parakeet-engine';
export { loadParakeetProvider, loadWhisperProvider } from './lib/settings/load-self-hosted-provider';
export type { ParakeetSettings, WhisperSettings } from './lib/settings/load-self-hosted-provider';
export {
  catalogModel,
  catalogNames,
  DEFAULT_LOCAL_MODEL,
  defaultModelDir,
} from './lib/download/model-catalog';
export type { CatalogModel } from './lib/download/model-catalog';
export { downloadModel, fileChecksum } from './lib/download/hub-downloader';
export type { DownloadedFile, FileChecksum } from './lib/download/hub-downloader';
export { ChecksumMismatchError } from './lib/download/checksum-mismatch.error';
export { HubUnreachableError } from './lib/download/hub-unreachable.error';
export { renderProgress } from './lib/download/progress-bar';
export { EngineThread } from './lib/threads/engine-thread';
export { WhisperThreadEngine } from './lib/threads/whisper-thread-engine';
export {
  createSegmentingLiveTranscriber,
  withLiveSegmentingSettings,
} from './lib/settings/with-live-segmenting-settings';
export type { LiveSegmentingSettings } from './lib/settings/with-live-segmenting-settings';
