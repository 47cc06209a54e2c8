export {
  StreamscribeClient,
  SessionHandle,
  KeysApi,
  TenantsApi,
  DeadLettersApi,
  ProvidersApi,
} from './lib/client';
export type {
  StreamscribeClientOptions,
  TranscribeFileOptions,
  FileTranscription,
  SendChunkOptions,
  TranscriptOptions,
  TenantView,
  DeadLetterPage,
  ProviderStatus,
} from './lib/client';
export {
  StreamscribeError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  QuotaError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  TimeoutError,
  ValidationError,
  errorFromResponse,
  isRetryable,
  retryAfterMs,
} from './lib/errors';
export type { StreamscribeErrorDetails } from './lib/errors';
export { DEFAULT_RETRY, HttpTransport, backoffMs } from './lib/http';
export type { FetchLike, RetryPolicy } from './lib/http';
export { LiveStream } from './lib/live';
export type {
  LiveFailover,
  LiveMessage,
  LiveOptions,
  LiveResults,
  LiveWord,
  StreamscribeStamp,
  WebSocketInstance,
  WebSocketLike,
} from './lib/live';
export { countingStream, sniffContentType } from './lib/upload-body';
export type { AudioInput, UploadProgress } from './lib/upload-body';
export type {
  ApiKeyView,
  ApiKeyWithSecret,
  ChunkAccepted,
  ChunkBatchAccepted,
  ChunkBatchResult,
  DeadLetter,
  RoutingOptions,
  Transcript,
  TranscriptChunk,
  TranscriptFormat,
  WordTiming,
} from './lib/types';
export { CHUNK_BATCH_MEDIA_TYPE, encodeChunkBatch } from './lib/chunk-batch-frames';
export type { BatchChunk } from './lib/chunk-batch-frames';
