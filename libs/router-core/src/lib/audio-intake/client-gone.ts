import { HttpException } from '@nestjs/common';
import type { Response } from 'express';

/** nginx's status for a request whose client left before the answer: logged, never seen by that client. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * A signal that aborts when the client disconnects before its answer is written, so work done
 * only for that answer (an ffmpeg decode of its upload) stops with it.
 */
export function clientGone(response: Response): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished)
      controller.abort(
        new HttpException('the client closed the connection before the answer', CLIENT_CLOSED_REQUEST),
      );
  });
  return controller.signal;
}
