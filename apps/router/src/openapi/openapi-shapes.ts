import type { ApiBodyOptions, ApiResponseOptions } from '@nestjs/swagger';

/** Media types an audio body may have (WAV; compressed formats are decoded by ffmpeg; raw PCM with its rate). */
export const AUDIO_MEDIA_TYPES = [
  'audio/wav',
  'audio/mpeg',
  'audio/flac',
  'audio/ogg',
  'audio/webm',
  'audio/aac',
  'audio/mp4',
  'audio/l16',
  'application/octet-stream',
];

/** A body that is the audio itself, not JSON. */
export const AUDIO_BODY: ApiBodyOptions = {
  description:
    'The audio bytes. WAV by default; compressed formats by Content-Type; raw PCM as `audio/l16; rate=16000; channels=1`.',
  schema: { type: 'string', format: 'binary' },
};

/** Every error of the router's own routes: `{ statusCode, code, message }` (components/schemas/ApiError). */
export const ERROR_SCHEMA_NAME = 'ApiError';
export const ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'message'],
  properties: {
    statusCode: { type: 'integer', description: 'The HTTP status again' },
    code: { type: 'string', description: 'A stable machine-readable reason' },
    message: { type: 'string', description: 'What was wrong, for people' },
  },
};

const error = (status: number, description: string): ApiResponseOptions => ({
  status,
  description,
  schema: { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` },
});

export const ERROR_RESPONSES = {
  400: error(400, 'The query or body is invalid'),
  404: error(404, 'Not found (or another tenant’s)'),
  409: error(409, 'Not possible as things stand; `code` says why (e.g. `ambiguous_dead_letter_id`)'),
  413: error(413, 'The body is over the upload caps'),
  415: error(415, 'The audio format is not one the router reads'),
  429: error(
    429,
    'Rate limit, quota, or every provider the request may go to has too long a backlog (`provider_backlog`): retry after `Retry-After` seconds',
  ),
  503: error(
    503,
    'No provider available, Redis unreachable, or Redis memory full (`fabric_overloaded`): retry after `Retry-After` seconds',
  ),
} satisfies Record<number, ApiResponseOptions>;

/** What every `/v1` route may answer, added to each operation by the document builder. */
export const GLOBAL_RESPONSES: ApiResponseOptions[] = [
  error(401, 'No API key, or an unknown, expired or revoked one'),
  error(403, 'The key lacks a scope the route needs'),
];
