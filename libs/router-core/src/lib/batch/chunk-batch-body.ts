import { CHUNK_ID_PATTERN } from '@streamscribe/contracts';
import { refusal } from '../audio-intake/intake-errors';

/**
 * The batched ingest's binary framing (`Content-Type: application/vnd.streamscribe.chunks`): frames
 * back to back, each `u32be header length | header (UTF-8 JSON object, or nothing for {}) | u32be
 * audio length | audio bytes`. No base64, no JSON escaping of audio: the router slices the body.
 */
export const CHUNK_BATCH_MEDIA_TYPE = 'application/vnd.streamscribe.chunks';

/** What a chunk of a batch says of itself; every field is optional. */
export interface ChunkBatchHeader {
  chunkId?: string;
  seq?: number;
  offsetMs?: number;
  /** The chunk's audio type, as the single-chunk endpoint's Content-Type; default `audio/wav`. */
  contentType?: string;
}

/** One chunk of a batch as read from the body: its header checked, or why not. */
export type ChunkBatchItem =
  | { index: number; header: ChunkBatchHeader; audio: Buffer }
  | { index: number; problem: { code: string; message: string }; chunkId?: string };

export interface ChunkBatchLimits {
  /** MAX_BATCH_CHUNKS. */
  maxChunks: number;
  /** MAX_CHUNK_BYTES: each chunk's audio is held to the single endpoint's limit. */
  maxChunkBytes: number;
}

/**
 * Splits a batch body into its chunks. The framing (or JSON) being broken refuses the whole batch
 * (400 `batch_malformed`: nothing after a bad length can be trusted); a chunk whose header is
 * wrong is one rejected chunk, the others go on.
 */
export function readChunkBatch(
  body: unknown,
  contentType: string | undefined,
  limits: ChunkBatchLimits,
): ChunkBatchItem[] {
  if (!Buffer.isBuffer(body) || body.length === 0)
    throw malformed('the batch body is empty: send at least one chunk');
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const raw =
    type === CHUNK_BATCH_MEDIA_TYPE
      ? framesOf(body, limits.maxChunks)
      : type === 'application/json'
        ? jsonChunksOf(body, limits.maxChunks)
        : unsupported(contentType);
  return raw.map(({ header, audio }, index) => checked(index, header, audio, limits));
}

function framesOf(body: Buffer, maxChunks: number): { header: unknown; audio: Buffer }[] {
  const frames: { header: unknown; audio: Buffer }[] = [];
  let at = 0;
  while (at < body.length) {
    if (frames.length === maxChunks) throw tooMany(maxChunks);
    const headerLength = lengthAt(body, at, frames.length, 'header');
    const header = body.subarray(at + 4, at + 4 + headerLength);
    at += 4 + headerLength;
    const audioLength = lengthAt(body, at, frames.length, 'audio');
    const audio = body.subarray(at + 4, at + 4 + audioLength);
    at += 4 + audioLength;
    frames.push({ header: headerLength === 0 ? {} : parseJson(header, frames.length), audio });
  }
  return frames;
}

/** Reads a u32be length at `at` that, with what it counts, must fit in the body. */
function lengthAt(body: Buffer, at: number, frame: number, what: string): number {
  if (at + 4 > body.length) throw malformed(`frame ${frame}: the body ends inside its ${what} length`);
  const length = body.readUInt32BE(at);
  if (at + 4 + length > body.length)
    throw malformed(`frame ${frame}: its ${what} length ${length} runs past the end of the body`);
  return length;
}

function jsonChunksOf(body: Buffer, maxChunks: number): { header: unknown; audio: Buffer }[] {
  const parsed = parseJson(body, undefined) as { chunks?: unknown };
  if (!Array.isArray(parsed?.chunks))
    throw malformed(
      'a JSON batch is {"chunks": [{"audio": "<base64>", "chunkId"?, "seq"?, "offsetMs"?, "contentType"?}]}',
    );
  if (parsed.chunks.length > maxChunks) throw tooMany(maxChunks);
  return parsed.chunks.map((chunk: unknown) => {
    const { audio, ...header } = (typeof chunk === 'object' && chunk !== null ? chunk : {}) as Record<
      string,
      unknown
    >;
    return { header, audio: typeof audio === 'string' ? Buffer.from(audio, 'base64') : Buffer.alloc(0) };
  });
}

function parseJson(bytes: Buffer, frame: number | undefined): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw malformed(
      frame === undefined ? 'the body is not valid JSON' : `frame ${frame}: its header is not valid JSON`,
    );
  }
}

/** The same rules as the single endpoint's query (ChunkIngestQuery), per chunk. */
function checked(index: number, header: unknown, audio: Buffer, limits: ChunkBatchLimits): ChunkBatchItem {
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    return reject(index, 'chunk_invalid', 'the chunk header must be a JSON object');
  const { chunkId, seq, offsetMs, contentType, ...unknownFields } = header as Record<string, unknown>;
  const named = typeof chunkId === 'string' ? chunkId : undefined;
  const problems: string[] = [];
  if (chunkId !== undefined && (typeof chunkId !== 'string' || !CHUNK_ID_PATTERN.test(chunkId)))
    problems.push("chunkId must be 1-128 letters, digits, '.', '_' or '-'");
  if (seq !== undefined && !isIntegerIn(seq, 2 ** 31)) problems.push('seq must be a non-negative integer');
  if (offsetMs !== undefined && !isIntegerIn(offsetMs, Number.MAX_SAFE_INTEGER))
    problems.push('offsetMs must be a non-negative integer');
  if (contentType !== undefined && typeof contentType !== 'string')
    problems.push('contentType must be a string');
  for (const field of Object.keys(unknownFields)) problems.push(`unknown field '${field.slice(0, 40)}'`);
  if (problems.length > 0) return reject(index, 'chunk_invalid', problems.join('; '), named);
  if (audio.length > limits.maxChunkBytes)
    return reject(
      index,
      'upload_too_large',
      `chunk audio is larger than ${limits.maxChunkBytes} bytes (MAX_CHUNK_BYTES)`,
      named,
    );
  return {
    index,
    header: {
      chunkId: named,
      seq: seq as number | undefined,
      offsetMs: offsetMs as number | undefined,
      contentType: (contentType as string | undefined) ?? 'audio/wav',
    },
    audio,
  };
}

function isIntegerIn(value: unknown, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function reject(index: number, code: string, message: string, chunkId?: string): ChunkBatchItem {
  return { index, problem: { code, message }, ...(chunkId ? { chunkId } : {}) };
}

function malformed(message: string) {
  return refusal(400, 'batch_malformed', message);
}

function tooMany(maxChunks: number) {
  return refusal(
    413,
    'batch_too_large',
    `a batch holds at most ${maxChunks} chunks (MAX_BATCH_CHUNKS): send several`,
  );
}

function unsupported(contentType: string | undefined): never {
  throw refusal(
    415,
    'batch_content_type',
    `a batch is '${CHUNK_BATCH_MEDIA_TYPE}' (binary frames) or 'application/json', not '${String(contentType).slice(0, 60)}'`,
  );
}
