import { HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { clientGone } from './client-gone';

describe('clientGone', () => {
  it('aborts with 499 when the client disconnects before its answer, and not after an answer', async () => {
    const signals: AbortSignal[] = [];
    const answered = new Promise<void>((resolve) => {
      const server = createServer((_request, res) => {
        signals.push(clientGone(res as unknown as Response));
        // The first request is answered; the second is left waiting, as a long decode would be.
        if (signals.length === 1) res.end('ok', () => resolve());
      }).listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        request({ port, host: '127.0.0.1', agent: false }, (res) => res.resume()).end();
        const leaving = request({ port, host: '127.0.0.1', agent: false });
        leaving.on('error', () => undefined);
        leaving.end();
        const waitForSecond = setInterval(() => {
          if (signals.length < 2) return;
          clearInterval(waitForSecond);
          leaving.destroy();
          signals[1].addEventListener('abort', () => server.close());
        }, 5);
      });
    });
    await answered;
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (signals[1]?.aborted) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    expect(signals[0].aborted).toBe(false);
    expect(signals[1].reason).toBeInstanceOf(HttpException);
    expect((signals[1].reason as HttpException).getStatus()).toBe(499);
  });
});
