import type { ApiBodyOptions, ApiResponseOptions } from '@nestjs/swagger';

/** One chunk of a JSON batch (the binary framing carries the same header as a JSON object). */
const BATCH_CHUNK = {
  type: 'object',
  required: ['audio'],
  properties: {
    audio: { type: 'string', format: 'byte', description: 'The chunk audio, base64' },
    chunkId: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
      description: 'Client id of the chunk; re-sending it is idempotent (`duplicate`)',
    },
    seq: { type: 'integer', minimum: 0, description: 'Position in the session; next in order when absent' },
    offsetMs: { type: 'integer', minimum: 0, description: "Where the chunk starts in the session's audio" },
    contentType: { type: 'string', description: 'The chunk audio type; default `audio/wav`' },
  },
};

export const CHUNK_BATCH_BODY: ApiBodyOptions = {
  description:
    '`application/vnd.streamscribe.chunks`: frames back to back, each `u32be header length | header JSON (chunkId, seq, offsetMs, contentType; may be empty) | u32be audio length | audio`. Or `application/json`: `{ chunks: [{ audio: base64, … }] }`. At most MAX_BATCH_CHUNKS chunks and MAX_BATCH_BYTES bytes.',
  schema: {
    oneOf: [
      { type: 'string', format: 'binary' },
      { type: 'object', required: ['chunks'], properties: { chunks: { type: 'array', items: BATCH_CHUNK } } },
    ],
  },
};

const BATCH_RESULT = {
  type: 'object',
  required: ['index', 'status'],
  properties: {
    index: { type: 'integer', description: "The chunk's place in the body" },
    status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
    chunkId: { type: 'string' },
    seq: { type: 'integer' },
    entryId: { type: 'string' },
    provider: { type: 'string' },
    code: {
      type: 'string',
      description: 'rejected: the stable reason (`chunk_invalid`, `audio_*`, `seq_taken` …)',
    },
    message: { type: 'string' },
  },
};

const BATCH_ACCEPTED = {
  type: 'object',
  required: ['sessionId', 'provider', 'accepted', 'duplicates', 'rejected', 'chunks'],
  properties: {
    sessionId: { type: 'string' },
    provider: {
      type: 'string',
      nullable: true,
      description: 'Where the chunks went; null when none was queued',
    },
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: { type: 'integer' },
    chunks: { type: 'array', items: BATCH_RESULT },
  },
};

export const CHUNK_BATCH_RESPONSES: ApiResponseOptions[] = [
  { status: 200, description: 'Every chunk accepted (queued now, or a duplicate)', schema: BATCH_ACCEPTED },
  {
    status: 207,
    description: 'Some chunks rejected (see `chunks[].code`); the others were queued',
    schema: BATCH_ACCEPTED,
  },
];
