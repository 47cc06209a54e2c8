import { ApiProperty } from '@nestjs/swagger';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import {
  ChunkIngestQuery,
  CostsQuery,
  DeadLetterListQuery,
  RedriveRequest,
  RoutingQuery,
  TranscriptPageQuery,
  TranscriptionQuery,
} from '@streamscribe/contracts';
import {
  CreateApiKeyRequest,
  ListApiKeysQuery,
  RotateApiKeyRequest,
  TemporaryTokenRequest,
} from '@streamscribe/auth';
import { TenantSettingsUpdate } from '@streamscribe/quotas';
import { CreateWebhookBody, DeliveriesQuery } from '@streamscribe/webhooks';

/**
 * The request DTOs the router validates, parents before the classes that extend them. Their
 * OpenAPI schemas are derived from their class-validator decorators (types, enums, bounds,
 * patterns, optionality), so the description cannot drift from what the router accepts, and the
 * DTO libraries (libs/contracts is imported by workers and clients) need no Swagger dependency.
 */
const DTOS: ReadonlyArray<new () => object> = [
  RoutingQuery,
  ChunkIngestQuery,
  TranscriptionQuery,
  TranscriptPageQuery,
  CostsQuery,
  DeadLetterListQuery,
  RedriveRequest,
  CreateApiKeyRequest,
  ListApiKeysQuery,
  RotateApiKeyRequest,
  TemporaryTokenRequest,
  TenantSettingsUpdate,
  CreateWebhookBody,
  DeliveriesQuery,
];

/** What a field means (the DTOs' doc comments are not there at run time). */
const DESCRIPTIONS: Record<string, string> = {
  'RoutingQuery.provider': 'Explicit provider; wins over every hint.',
  'RoutingQuery.realTimeRequired': 'Only providers fast enough for real time are chosen.',
  'RoutingQuery.accuracyCritical': 'Prefer the most accurate provider.',
  'RoutingQuery.costSensitive': 'Prefer the cheapest provider.',
  'RoutingQuery.fallback': 'Comma list of providers to fail over to, in order.',
  'RoutingQuery.language':
    'BCP-47 language of the speech: only providers that transcribe it are chosen; absent, the provider detects it.',
  'RoutingQuery.diarize':
    'Label speakers on every word: only providers that can tell speakers apart are chosen.',
  'RoutingQuery.keywords':
    "Comma list of terms to boost (names, jargon), sent as each provider's keyterm/keyword option.",
  'RoutingQuery.wordTimestamps': 'Only providers that give word timestamps are chosen.',
  'RoutingQuery.hedge':
    "Opt-in hedging: a chunk still without a result after its provider's p95 × HEDGE_FACTOR also goes to the next provider.",
  'RoutingQuery.consensus':
    'Comma list of 2-4 providers that all transcribe the audio; their words are voted on.',
  'RoutingQuery.consensusTimeoutMs':
    'How long consensus waits for every provider before it votes on what arrived, in ms.',
  'ChunkIngestQuery.seq': 'Position of the chunk in the session; assigned in arrival order when absent.',
  'ChunkIngestQuery.offsetMs':
    "Where the chunk starts in the session's audio, in ms. Absent: the sum of the durations of the chunks before it.",
  'ChunkIngestQuery.chunkId': 'Client-chosen chunk id; re-posting the same id is idempotent.',
  'TranscriptionQuery.wait':
    'Hold the request until the transcript is complete (200), or until timeoutMs runs out (202 with what is done).',
  'TranscriptionQuery.timeoutMs': 'How long `wait=true` holds the request, in ms.',
  'TranscriptionQuery.sessionId': 'The session id to use; generated when absent.',
  'TranscriptionQuery.chunkSeconds': 'Chunk length for splitting the file, in seconds.',
  'TranscriptionQuery.split':
    '`false`: the file goes to the provider whole, as one chunk. `true`: always cut into chunks. Absent: cut, unless `diarize=true` and the chosen provider takes the file whole.',
  'TranscriptionQuery.cuts':
    'Where the file is cut: `pauses` (voice activity detection) or `fixed` (every chunkSeconds). Absent: CHUNK_CUTS.',
  'TranscriptPageQuery.format': '`json` (default, paged); `srt`, `vtt` and `text` give the whole transcript.',
  'TranscriptPageQuery.after':
    'The `next` cursor of the previous page: a seq, or `~<chunkId>` among the chunks without seq.',
  'TranscriptPageQuery.limit': 'Page size (chunks).',
  'CostsQuery.month': '`YYYY-MM` (UTC); this month when absent.',
  'CostsQuery.tenant':
    "An admin's choice of tenant; a key without admin scope sees its own tenant's costs only.",
  'DeadLetterListQuery.count': 'Page size.',
  'DeadLetterListQuery.after': 'The `next` id of the previous page.',
  'DeadLetterListQuery.tenant': "An admin's filter: only this tenant's letters.",
  'RedriveRequest.ids': 'Dead-letter entry ids to re-drive (or `all: true`).',
  'RedriveRequest.all': 'Re-drive every dead letter the key may see (up to `limit`).',
  'RedriveRequest.provider':
    'Where to send the chunks; by default each goes back to the provider it started at.',
  'RedriveRequest.limit': 'With `all: true`: at most this many.',
  'CreateApiKeyRequest.tenant': 'The tenant the key acts for.',
  'CreateApiKeyRequest.scopes': 'What the key may do.',
  'CreateApiKeyRequest.name': 'A label for people.',
  'CreateApiKeyRequest.expiresInSeconds':
    'The key stops working this long after creation; absent: never expires.',
  'ListApiKeysQuery.tenant': "Only this tenant's keys.",
  'RotateApiKeyRequest.graceSeconds':
    'How long the old key keeps working, so clients can switch over; 0 (default): revoked at once.',
  'TemporaryTokenRequest.expiresInSeconds':
    'Life of the token; default 60, capped by AUTH_TOKEN_MAX_SECONDS.',
  'TenantSettingsUpdate.requestsPerSecond': 'Requests per second (0 = unlimited); null: back to the default.',
  'TenantSettingsUpdate.burst': 'Requests the rate-limit bucket holds; null: back to the default.',
  'TenantSettingsUpdate.maxLiveConnections':
    'Live connections at once (0 = unlimited); null: back to the default.',
  'TenantSettingsUpdate.audioSecondsPerDay':
    'Audio seconds per UTC day (0 = unlimited); null: back to the default.',
  'TenantSettingsUpdate.spendMicroUsdPerMonth':
    'Spend per month in micro-USD (0 = unlimited); null: back to the default.',
  'TenantSettingsUpdate.allowConsensus': 'May the tenant ask for consensus; null: back to the default.',
  'TenantSettingsUpdate.allowHedging': 'May the tenant ask for hedging; null: back to the default.',
  'CreateWebhookBody.url': 'Where completions are POSTed; must match WEBHOOK_ALLOWED_DESTINATIONS.',
  'CreateWebhookBody.description': 'A label for people.',
  'DeliveriesQuery.limit': 'How many of the latest deliveries (default 50).',
  'TenantSettingsUpdate.retentionSeconds':
    "How long the tenant's sessions are kept; null: back to the default.",
};

/** The OpenAPI description of one property, from its class-validator rules. */
export function propertySchema(rules: ValidationMetadata[], nullable: boolean): ApiPropertyOptions {
  const named = (name: string) => rules.find((rule) => rule.name === name);
  const schema: Record<string, unknown> = {
    required: !rules.some((rule) => rule.type === 'conditionalValidation'),
  };
  const isArray = Boolean(named('isArray')) || rules.some((rule) => rule.each);
  const oneOf = named('isIn');
  let type: string | undefined;
  if (named('isInt')) type = 'integer';
  else if (named('isNumber')) type = 'number';
  else if (named('isBoolean')) type = 'boolean';
  else if (named('isString') || named('matches') || oneOf) type = 'string';
  if (oneOf) schema['enum'] = [...(oneOf.constraints[0] as readonly unknown[])];
  const min = named('min');
  const max = named('max');
  if (min) schema['minimum'] = min.constraints[0];
  if (max) schema['maximum'] = max.constraints[0];
  const pattern = named('matches');
  if (pattern) schema['pattern'] = (pattern.constraints[0] as RegExp).source;
  const maxLength = named('maxLength');
  if (maxLength) schema['maxLength'] = maxLength.constraints[0];
  if (isArray) {
    schema['isArray'] = true;
    const arrayMax = named('arrayMaxSize');
    if (arrayMax) schema['maxItems'] = arrayMax.constraints[0];
    if (named('arrayNotEmpty')) schema['minItems'] = 1;
  }
  schema['type'] = type ?? 'string';
  if (nullable) schema['nullable'] = true;
  return schema as ApiPropertyOptions;
}

let described = false;

/** Puts ApiProperty metadata on every request DTO (once; later calls do nothing). */
export function describeDtos(): void {
  if (described) return;
  described = true;
  const storage = getMetadataStorage();
  for (const dto of DTOS) {
    const own = storage
      .getTargetValidationMetadatas(dto, '', true, false)
      .filter((rule) => rule.target === dto);
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const rule of own)
      byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
    for (const [property, rules] of byProperty) {
      const description = DESCRIPTIONS[`${dto.name}.${property}`];
      const options = {
        ...propertySchema(rules, dto === TenantSettingsUpdate),
        ...(description ? { description } : {}),
      };
      ApiProperty(options)(dto.prototype, property);
    }
  }
}
