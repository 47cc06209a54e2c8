export { isProviderName, parseProviderList, PROVIDERS } from './lib/providers';
export type { ProviderName } from './lib/providers';
export type { ProviderLoad } from './lib/provider-load';
export { providerGroup, providerHeartbeatKey } from './lib/stream-keys';
export { epochSeconds } from './lib/entry-fields';
export { fieldsFromFlat, recordFromPairs, setField, withoutFields } from './lib/field-list';
export type { EncodedFields } from './lib/field-list';
export { parseBoolean } from './lib/parse-boolean';
export { MalformedEntryError } from './lib/malformed-entry.error';
export {
  audioFieldsFor,
  CHUNK_AUDIO_FIELD_CHOICES,
  chunkWireFrom,
  DEFAULT_CHUNK_WIRE,
  withChunkAudioFields,
} from './lib/chunk-wire';
export type { ChunkAudioFields, ChunkWireSettings } from './lib/chunk-wire';
export {
  CHUNK_FIELDS,
  decodeChunkEntry,
  encodeChunkEntry,
  keywordList,
  keywordsProblem,
  newChunkEntry,
} from './lib/chunk-entry';
export type { AudioChunkEntry, AudioFormat, RoutingHints } from './lib/chunk-entry';
export {
  decodeResultEntry,
  encodeResultEntry,
  RESULT_FIELDS,
  resultIndexField,
  resultSupersedes,
} from './lib/result-entry';
export type { ResultStatus, TranscriptionResultEntry, WordTiming } from './lib/result-entry';
export { encodeFailureEntry } from './lib/failure-entry';
export { CHUNK_ID_PATTERN, sessionIdProblem } from './lib/dto/session-id';
export { keySchemeFrom } from './lib/keys/key-scheme-settings';
export type { KeySchemeSettings } from './lib/keys/key-scheme-settings';
export { providerOfStream } from './lib/keys/provider-of-stream';
export {
  CHUNK_CUT_MODES,
  ChunkIngestQuery,
  RoutingQuery,
  TranscriptionQuery,
} from './lib/dto/chunk-ingest.query';
export type { ChunkCutMode } from './lib/dto/chunk-ingest.query';
export {
  DEAD_LETTER_FIELDS,
  DEAD_LETTER_ID_PATTERN,
  deadLetterId,
  decodeDeadLetter,
  parseDeadLetterId,
  isDeadLetterMetaField,
  REDRIVE_COUNT_FIELD,
  redriveTarget,
} from './lib/dead-letter-entry';
export type { DeadLetter } from './lib/dead-letter-entry';
export { compareStreamIds } from './lib/stream-ids';
export { DeadLetterListQuery, RedriveRequest } from './lib/dto/dead-letter.query';
export {
  TRANSCRIPT_PAGE_DEFAULT,
  TRANSCRIPT_FORMATS,
  TRANSCRIPT_PAGE_MAX,
  TranscriptPageQuery,
} from './lib/dto/transcript-page.query';
export { CostsQuery } from './lib/dto/costs.query';
export { consensusClaimKey, providerHealthKey } from './lib/routing-keys';
export { KeyScheme, RESERVED_SESSION_IDS, SINGLE_NODE_KEYS } from './lib/keys/key-scheme';
export type { KeySchemeOptions, SessionRef } from './lib/keys/key-scheme';
export {
  DEFAULT_TENANT,
  SCOPES,
  TENANT_ID_PATTERN,
  tenantIdProblem,
  tenantOf,
  tenantOfRequest,
} from './lib/keys/tenancy';
export type { RequestAuth, Scope } from './lib/keys/tenancy';
export { API_ERROR_CODES, STATUS_ERROR_CODES, errorCodeForStatus } from './lib/errors/api-error-code';
export type { ApiErrorBody, ApiErrorCode } from './lib/errors/api-error-code';
export { CHUNK_FAILURE_CODES, chunkFailureForClient } from './lib/errors/chunk-failure';
export type { ChunkFailure, ChunkFailureCode } from './lib/errors/chunk-failure';
export { decodeLiveLogEntry, LIVE_AUDIO_FIELDS, LIVE_CONTROLS } from './lib/live/live-audio-log';
export type { LiveControl, LiveLogEntry } from './lib/live/live-audio-log';
export {
  decodeLiveEvent,
  encodeLiveEvent,
  LIVE_EVENT_FIELD,
  LIVE_FAILURE_CODES,
} from './lib/live/live-events';
export type { LiveEvent, LiveEventType, LiveFailureCode, LiveWord } from './lib/live/live-events';
export { LIVE_JOB_FIELDS, LIVE_JOBS_GROUP, LIVE_STATE_FIELDS, LIVE_STATUSES } from './lib/live/live-state';
export type { LiveStatus } from './lib/live/live-state';
export { LIVE_ENCODINGS, liveBytesPerSecond, liveOffsetMs } from './lib/live/live-session-options';
export type { LiveAudioFormat, LiveEncoding, LiveSessionOptions } from './lib/live/live-session-options';
