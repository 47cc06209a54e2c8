import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { refusal } from '@streamscribe/router-core';
// busboy ships no types (it comes with multer); the little used here is declared below.
const busboy = require('busboy') as (config: BusboyConfig) => BusboyParser;

interface BusboyConfig {
  headers: Request['headers'];
  limits?: { fileSize?: number; files?: number; fields?: number; fieldSize?: number; parts?: number };
}
interface BusboyParser extends NodeJS.WritableStream {
  on(
    event: 'field',
    listener: (name: string, value: string, info: { valueTruncated: boolean }) => void,
  ): this;
  on(
    event: 'file',
    listener: (name: string, stream: Readable & { truncated?: boolean }, info: FileInfo) => void,
  ): this;
  on(event: 'close' | 'partsLimit' | 'filesLimit' | 'fieldsLimit', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}
interface FileInfo {
  filename?: string;
  mimeType: string;
}

/**
 * The `file` part of a multipart form, spooled to a temporary file (at most the cap): its size,
 * first bytes (to tell the format), SHA-256, and what the client said of it. `discard()` removes it.
 */
export interface FormFile {
  path: string;
  size: number;
  head: Buffer;
  sha256: string;
  filename?: string;
  mimeType: string;
  discard(): Promise<void>;
}

export interface MultipartForm {
  /** Every text field by name, in the order sent (`timestamp_granularities[]` repeats). */
  fields: Map<string, string[]>;
  file?: FormFile;
}

/**
 * Reads a multipart/form-data body as it arrives (busboy): small text fields, and one `file`
 * part counted piece by piece against `maxFileBytes`: past it the request is refused with 413
 * before more is read. The file is spooled to a temporary file (not memory) because OpenAI's
 * clients send the fields (`model`, `prompt`, …) after it, and routing needs them before the audio
 * is planned; the caller streams it from there and discards it.
 */
export function readMultipartForm(request: Request, maxFileBytes: number): Promise<MultipartForm> {
  return new Promise<MultipartForm>((resolve, reject) => {
    let parser: BusboyParser;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: maxFileBytes, files: 1, fields: 32, fieldSize: 64 * 1024, parts: 40 },
      });
    } catch (error) {
      return reject(
        refusal(400, 'bad_request', `not a multipart/form-data body: ${(error as Error).message}`),
      );
    }
    const fields = new Map<string, string[]>();
    let file: FormFile | undefined;
    let failed = false;
    let pending: Promise<void> = Promise.resolve();
    const discards: (() => Promise<void>)[] = [];
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      for (const discard of discards) discard().catch(() => undefined);
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(refusal(400, 'bad_request', `form field ${name} is too long`));
      fields.set(name, [...(fields.get(name) ?? []), value]);
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(refusal(400, 'bad_request', `unexpected file part '${name}': send the audio as 'file'`));
      }
      const path = join(tmpdir(), `streamscribe-openai-${randomUUID()}`);
      const sink = createWriteStream(path);
      const hash = createHash('sha256');
      const heads: Buffer[] = [];
      let size = 0;
      const discard = () => rm(path, { force: true });
      discards.push(discard);
      stream.on('data', (piece: Buffer) => {
        if (size < 64) heads.push(piece.subarray(0, 64 - size));
        size += piece.length;
        hash.update(piece);
      });
      stream.on('limit', () =>
        fail(
          refusal(
            413,
            'upload_too_large',
            `the file is larger than ${maxFileBytes} bytes (MAX_FILE_BYTES): split it into smaller files`,
          ),
        ),
      );
      pending = new Promise<void>((done) => {
        sink.on('finish', () => {
          if (!stream.truncated)
            file = {
              path,
              size,
              head: Buffer.concat(heads),
              sha256: hash.digest('hex'),
              filename: info.filename,
              mimeType: info.mimeType,
              discard,
            };
          done();
        });
        sink.on('error', (error) => {
          fail(refusal(503, 'spool_failed', `the upload could not be spooled: ${error.message}`));
          done();
        });
      });
      stream.pipe(sink);
    });
    const tooMany = () => fail(refusal(400, 'bad_request', 'the form has too many parts'));
    parser.on('partsLimit', tooMany);
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('error', (error) =>
      fail(refusal(400, 'upload_incomplete', `the form could not be read: ${error.message}`)),
    );
    parser.on('close', () => {
      void pending.then(() => {
        if (!failed) resolve({ fields, file });
      });
    });
    request.on('error', (error) =>
      fail(refusal(400, 'upload_incomplete', `the upload broke off (${error.message})`)),
    );
    request.pipe(parser);
  });
}

/**
 * The spooled file as the request StreamingUploads reads: a stream of its bytes with its length;
 * a compressed file (decoded whole, like POST /v1/transcriptions' compressed bodies) as `body`.
 */
export async function fileAsUploadRequest(file: FormFile, compressed: boolean): Promise<Request> {
  const headers = { 'content-length': String(file.size) };
  if (compressed) {
    const body = await readFile(file.path);
    return Object.assign(createReadStream(file.path), { headers, body }) as unknown as Request;
  }
  return Object.assign(createReadStream(file.path), { headers }) as unknown as Request;
}
