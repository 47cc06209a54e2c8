import type { Request } from 'express';
import { Readable } from 'node:stream';
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

/** The `file` part of a multipart form: its bytes (at most the cap) and what the client said of it. */
export interface FormFile {
  bytes: Buffer;
  filename?: string;
  mimeType: string;
}

export interface MultipartForm {
  /** Every text field by name, in the order sent (`timestamp_granularities[]` repeats). */
  fields: Map<string, string[]>;
  file?: FormFile;
}

/**
 * Reads a multipart/form-data body as it arrives (busboy): small text fields, and one `file`
 * part counted piece by piece against `maxFileBytes`: past it the request is refused with 413
 * before more is read. The file is kept in memory because OpenAI's clients send the fields
 * (`model`, `prompt`, …) after it, and routing needs them before the audio is planned.
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
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
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
      const pieces: Buffer[] = [];
      stream.on('data', (piece: Buffer) => pieces.push(piece));
      stream.on('limit', () =>
        fail(
          refusal(
            413,
            'upload_too_large',
            `the file is larger than ${maxFileBytes} bytes (MAX_FILE_BYTES): split it into smaller files`,
          ),
        ),
      );
      stream.on('end', () => {
        if (!stream.truncated)
          file = { bytes: Buffer.concat(pieces), filename: info.filename, mimeType: info.mimeType };
      });
    });
    const tooMany = () => fail(refusal(400, 'bad_request', 'the form has too many parts'));
    parser.on('partsLimit', tooMany);
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('error', (error) =>
      fail(refusal(400, 'upload_incomplete', `the form could not be read: ${error.message}`)),
    );
    parser.on('close', () => {
      if (!failed) resolve({ fields, file });
    });
    request.on('error', (error) =>
      fail(refusal(400, 'upload_incomplete', `the upload broke off (${error.message})`)),
    );
    request.pipe(parser);
  });
}

/**
 * The file as the request StreamingUploads reads: a stream of its bytes with its length, and the
 * bytes as `body` (what compressed formats are decoded from).
 */
export function fileAsUploadRequest(bytes: Buffer): Request {
  const stream = Readable.from([bytes]);
  return Object.assign(stream, {
    headers: { 'content-length': String(bytes.length) },
    body: bytes,
  }) as unknown as Request;
}
