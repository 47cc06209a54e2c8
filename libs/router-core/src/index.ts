export { RouterEnvironment } from './lib/router-environment';
export { ROUTER_ENVIRONMENT, ROUTER_REDIS } from './lib/tokens';
export { AudioIntake } from './lib/audio-intake/audio-intake.service';
export { clientGone } from './lib/audio-intake/client-gone';
export { StreamingUploads } from './lib/audio-intake/streaming-upload';
export type { FileChunk, FileUpload } from './lib/audio-intake/streaming-upload';
export { UploadSlots } from './lib/audio-intake/upload-slots';
export { refusal } from './lib/audio-intake/intake-errors';
export type { IntakeRefusalCode } from './lib/audio-intake/intake-errors';
export { ProviderChooser } from './lib/provider-chooser';
export type { ChooseOptions, ChosenProvider } from './lib/provider-chooser';
export { AdmissionControl } from './lib/admission/admission-control';
export type { AdmissionSnapshot } from './lib/admission/admission-control';
export { AdmissionRefusal } from './lib/admission/admission-refusal';
export { retryAfterOf } from './lib/http/retry-after';
export type { AdmissionOverload } from './lib/admission/admission-refusal';
export {
  backlogOverload,
  estimateWaitMs,
  memoryOverload,
  parseInfoMemory,
} from './lib/admission/admission-estimate';
export type {
  BacklogOverload,
  MemoryOverload,
  ProviderBacklog,
  RedisMemory,
} from './lib/admission/admission-estimate';
export { ProviderStatusService, publicProviderStatus } from './lib/provider-status.service';
export type { ProviderStatus, PublicProviderStatus } from './lib/provider-status.service';
export { TranscriptionRouterService } from './lib/transcription-router.service';
export type { ChunkAccepted, TenantCosts } from './lib/transcription-router.service';
export { RequestAuthOf, RequestTenant, tenantOfRequest, viewedTenant } from './lib/tenancy/request-tenant';
export type { AuthenticatedRequest } from './lib/tenancy/request-tenant';
export { RouterCoreModule } from './lib/router-core.module';
export { configureRouterHttp } from './lib/http/configure-router-http';
export { DeadLetterService } from './lib/dead-letters/dead-letter.service';
export { tenantViewOfLetter, tenantViewOfPage } from './lib/dead-letters/tenant-dead-letter';
export { resumePoint } from './lib/live/live-resume';
export { SessionEventFeed } from './lib/live/session-event.feed';
export { streamSse, streamToWebSocket } from './lib/live/live-transports';
export type { LiveQuota } from './lib/live/live-transports';
export { LIVE_WS_MAX_PAYLOAD_BYTES } from './lib/live/live-control-message';
export { LiveFeedCaps, LiveFeedRefused } from './lib/live/live-feed-caps';
export { consensusReport } from './lib/consensus/consensus-report';
export type { ConsensusReport } from './lib/consensus/consensus-report';
export {
  IDEMPOTENCY_TTL_SECONDS,
  IdempotencyStore,
  replayHeaders,
  sha256,
} from './lib/idempotency/idempotency-store';
export type {
  IdempotencyClaim,
  IdempotentAnswer,
  IdempotentUpload,
} from './lib/idempotency/idempotency-store';
export { ChunkBatchReader } from './lib/batch/chunk-batch-reader';
export { CHUNK_BATCH_MEDIA_TYPE } from './lib/batch/chunk-batch-body';
export type { ChunkBatchHeader } from './lib/batch/chunk-batch-body';
export { chunkBatchStatus } from './lib/batch/chunk-batch';
export type { ChunkBatchAccepted, ChunkBatchResult } from './lib/batch/chunk-batch';
