import type { Readable } from 'node:stream';
import { refusal } from './intake-errors';

/**
 * A request body read piece by piece as the socket delivers it (the socket is paused while the
 * reader is busy, so a slow Redis slows the client instead of filling memory). Counts what
 * arrived: past `maxBytes` (a body without Content-Length) it is refused with 413. A client that
 * breaks off midway (reset, timeout) shows as a 400 `upload_incomplete`, never a 500.
 */
export class UploadBody {
  private readonly iterator: AsyncIterator<Buffer>;
  received = 0;

  constructor(
    source: Readable,
    private readonly maxBytes: number,
    private readonly variable: string,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** The next piece, or undefined at the end of the body. */
  async next(): Promise<Buffer | undefined> {
    let result: IteratorResult<Buffer>;
    try {
      result = await this.iterator.next();
    } catch (error) {
      throw refusal(
        400,
        'upload_incomplete',
        `the upload broke off after ${this.received} bytes (${(error as Error).message}); its session is cancelled`,
      );
    }
    if (result.done) return undefined;
    this.received += result.value.length;
    if (this.received > this.maxBytes) {
      throw refusal(
        413,
        'upload_too_large',
        `the upload is larger than ${this.maxBytes} bytes (${this.variable}): split it into smaller files`,
      );
    }
    return result.value;
  }

  /** `first` (bytes already read past a header), then the rest of the body. */
  async *rest(first?: Buffer): AsyncGenerator<Buffer> {
    if (first && first.length > 0) yield first;
    for (;;) {
      const piece = await this.next();
      if (!piece) return;
      yield piece;
    }
  }
}
