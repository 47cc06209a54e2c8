import { NextFunction, Request, Response, raw } from 'express';
import { countRejection } from '../counting-exception.filter';

/**
 * Reads any body as raw bytes (the audio), answering 413 in JSON past the limit. Never inflates a
 * `Content-Encoding` (`uploadHeaders` refuses one before this runs).
 */
export function rawAudioBody(limit: number, variable: string) {
  const parse = raw({ type: () => true, limit, inflate: false });
  return (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: { status?: number; type?: string; message?: string }) => {
      if (!error) return next();
      const status = error.status ?? 400;
      countRejection(status);
      const code = error.type === 'entity.too.large' ? 'upload_too_large' : 'upload_incomplete';
      const message =
        error.type === 'entity.too.large'
          ? `audio body is larger than ${limit} bytes (${variable}): split it into smaller chunks`
          : `could not read the request body: ${error.message}`;
      response.status(status).json({ statusCode: status, code, message });
    });
}
