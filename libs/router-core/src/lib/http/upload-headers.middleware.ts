import { NextFunction, Request, Response } from 'express';
import { countRejection } from '../counting-exception.filter';

/**
 * Refuses an upload on its headers alone, before a byte of its body is read:
 * - `Content-Encoding` other than identity: 415 `content_encoding_unsupported`. Bodies are never
 *   inflated, so a small gzip bomb cannot expand in memory; audio is compressed by its codec.
 * - `Content-Length` over the route's limit: 413 `upload_too_large` at once.
 * The connection is closed after the answer, so the unread body is not drained.
 */
export function uploadHeaders(limit: number, variable: string) {
  return (request: Request, response: Response, next: NextFunction) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity')
      return refuse(
        response,
        415,
        'Unsupported Media Type',
        'content_encoding_unsupported',
        `Content-Encoding '${encoding.slice(0, 40)}' is not accepted: send the audio as it is (identity); compressed audio formats (mp3, ogg, flac …) are accepted by their Content-Type`,
      );
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > limit)
      return refuse(
        response,
        413,
        'Payload Too Large',
        'upload_too_large',
        `audio body is larger than ${limit} bytes (${variable}): split it into smaller chunks`,
      );
    next();
  };
}

function refuse(response: Response, status: number, error: string, code: string, message: string): void {
  countRejection(status);
  response.setHeader('Connection', 'close');
  response.status(status).json({ statusCode: status, error, code, message });
}
