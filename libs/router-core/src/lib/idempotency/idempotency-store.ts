import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import { Readable } from 'node:stream';
import type { KeyScheme } from '@streamscribe/contracts';
import { UploadBody } from '../audio-intake/upload-body';

/** How long a key remembers its request and answer. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** How long a key stays claimed while its first request is still being answered. */
const PENDING_TTL_SECONDS = 60 * 60;
const MAX_KEY_LENGTH = 255;

/** A stored answer, replayed as it was. */
export interface IdempotentAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; answer: IdempotentAnswer; bodySha256?: string }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

/**
 * What an upload with an `Idempotency-Key` should do (`IdempotencyStore.beginUpload`): be refused
 * (a bad key, a key used for another request, one still being answered), replay the first answer,
 * or run with `request` (its body digested on the way) and then `complete` or `release` the key.
 */
export type IdempotentUpload =
  | { kind: 'refused'; status: 400 | 409 | 422; code: string; message: string }
  | { kind: 'replay'; answer: IdempotentAnswer }
  | {
      kind: 'run';
      request: Request;
      complete(answer: IdempotentAnswer): Promise<void>;
      release(): Promise<void>;
    };

interface Record_ {
  fingerprint: string;
  answer?: IdempotentAnswer;
  /** A streamed body's digest (known only once it was read), compared by a replay. */
  bodySha256?: string;
}

/**
 * `Idempotency-Key` for uploads: the first request with a key claims it (SET NX, with a digest of
 * what it asked); a later one with the same key and the same request gets the first one's answer
 * instead of transcribing (and paying) again; a different request under the same key is refused.
 * Keys are per tenant and endpoint, kept 24 h. A request that failed releases its key, so a retry
 * runs again.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyScheme,
    private readonly endpoint: string,
  ) {}

  /** The header's problem, if any (empty or too long). */
  static problem(header: string): string | undefined {
    if (header.trim() === '') return 'Idempotency-Key is empty';
    if (header.length > MAX_KEY_LENGTH) return `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters`;
    return undefined;
  }

  async claim(tenant: string, header: string, fingerprint: string): Promise<IdempotencyClaim> {
    const key = this.keyOf(tenant, header);
    const mine: Record_ = { fingerprint };
    const set = await this.redis.set(key, JSON.stringify(mine), 'EX', PENDING_TTL_SECONDS, 'NX');
    if (set === 'OK') return { kind: 'claimed' };
    const stored = await this.redis.get(key);
    if (stored === null) {
      // Released (or expired) in between: try once more.
      const again = await this.redis.set(key, JSON.stringify(mine), 'EX', PENDING_TTL_SECONDS, 'NX');
      return again === 'OK' ? { kind: 'claimed' } : { kind: 'in_progress' };
    }
    const record = JSON.parse(stored) as Record_;
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return record.answer
      ? {
          kind: 'replay',
          answer: record.answer,
          ...(record.bodySha256 ? { bodySha256: record.bodySha256 } : {}),
        }
      : { kind: 'in_progress' };
  }

  /**
   * The whole claim of an upload: the key checked, claimed or found; a replay's body read (within
   * `maxBytes`) only to compare its digest with the first one's, so nothing is transcribed again.
   */
  async beginUpload(
    tenant: string,
    header: string,
    fingerprint: string,
    request: Request,
    maxBytes: number,
  ): Promise<IdempotentUpload> {
    const problem = IdempotencyStore.problem(header);
    if (problem) return { kind: 'refused', status: 400, code: 'invalid_idempotency_key', message: problem };
    const reused: IdempotentUpload = {
      kind: 'refused',
      status: 422,
      code: 'idempotency_key_reused',
      message: 'this Idempotency-Key was used with a different request in the last 24 h: use a new key',
    };
    const claim = await this.claim(tenant, header, fingerprint);
    if (claim.kind === 'mismatch') return reused;
    if (claim.kind === 'in_progress')
      return {
        kind: 'refused',
        status: 409,
        code: 'conflict',
        message: 'a request with this Idempotency-Key is still being answered: retry later',
      };
    if (claim.kind === 'replay')
      return (await bodyDigest(request, maxBytes)) === claim.bodySha256
        ? { kind: 'replay', answer: claim.answer }
        : reused;
    const digesting = digestingRequest(request);
    return {
      kind: 'run',
      request: digesting.request,
      complete: (answer) => this.complete(tenant, header, fingerprint, answer, digesting.digest()),
      release: () => this.release(tenant, header),
    };
  }

  /** Keeps the answer (a success) under the key for 24 h. */
  async complete(
    tenant: string,
    header: string,
    fingerprint: string,
    answer: IdempotentAnswer,
    bodySha256?: string,
  ): Promise<void> {
    const record: Record_ = { fingerprint, answer, ...(bodySha256 ? { bodySha256 } : {}) };
    await this.redis.set(this.keyOf(tenant, header), JSON.stringify(record), 'EX', IDEMPOTENCY_TTL_SECONDS);
  }

  /** The first request failed: a retry with the same key runs again. */
  async release(tenant: string, header: string): Promise<void> {
    await this.redis.set(this.keyOf(tenant, header), '', 'PX', 1);
  }

  private keyOf(tenant: string, header: string): string {
    return this.keys.idempotencyKey(tenant, this.endpoint, sha256(header));
  }
}

/** Puts a replayed answer's status and headers on the response, marked `Idempotent-Replayed`. */
export function replayHeaders(response: Response, answer: IdempotentAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
  response.setHeader('Idempotent-Replayed', 'true');
  response.status(answer.status);
}

export function sha256(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * The request as StreamingUploads reads it, digesting its body on the way (a compressed body, read
 * whole by the body parser, is digested at once). `digest()` is the body's SHA-256 once read.
 */
function digestingRequest(request: Request): { request: Request; digest(): string } {
  const hash = createHash('sha256');
  if (Buffer.isBuffer(request.body)) {
    hash.update(request.body);
    const digest = hash.digest('hex');
    return { request, digest: () => digest };
  }
  async function* pieces(): AsyncGenerator<Buffer> {
    for await (const piece of request as AsyncIterable<Buffer>) {
      hash.update(piece);
      yield piece;
    }
  }
  let digest: string | undefined;
  const stream = Object.assign(Readable.from(pieces(), { objectMode: false }), {
    headers: request.headers,
    body: request.body,
  });
  return { request: stream as unknown as Request, digest: () => (digest ??= hash.digest('hex')) };
}

/** A replayed request's body read (within the cap) only to digest it: nothing is transcribed. */
async function bodyDigest(request: Request, maxBytes: number): Promise<string> {
  if (Buffer.isBuffer(request.body)) return sha256(request.body);
  const hash = createHash('sha256');
  const body = new UploadBody(request, maxBytes, 'MAX_FILE_BYTES');
  for await (const piece of body.rest()) hash.update(piece);
  return hash.digest('hex');
}
