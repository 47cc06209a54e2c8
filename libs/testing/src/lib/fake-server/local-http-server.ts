import { createServer as createHttpsServer } from 'node:https';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

const HOST = '127.0.0.1';

/** PEM certificate and key: the server speaks HTTPS (and WSS) instead of HTTP. */
export interface LocalServerTls {
  cert: Buffer | string;
  key: Buffer | string;
}

/** Milliseconds to wait before answering, fixed or per request. */
export type LatencyFor<R> = number | ((request: R) => number);

/**
 * The plumbing every fake provider server shares: an HTTP server on 127.0.0.1 (a free port by
 * default), request bodies read whole, latency that `close()` cuts short, and a close that also
 * ends hanging connections. Safe to close twice.
 */
export class LocalHttpServer {
  private readonly sleeping = new Set<() => void>();
  private closing?: Promise<void>;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT`. */
    readonly url: string,
  ) {}

  static async listen(
    port: number,
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    onError: (res: ServerResponse, error: unknown) => void,
    tls?: LocalServerTls,
  ): Promise<LocalHttpServer> {
    const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }) : createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res).catch((error: unknown) => onError(res, error));
    });
    const scheme = tls ? 'https' : 'http';
    return new LocalHttpServer(server, `${scheme}://${HOST}:${(server.address() as AddressInfo).port}`);
  }

  /** Hands WebSocket upgrade requests to `handle` (a live API on the same port). */
  onUpgrade(handle: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): void {
    this.server.on('upgrade', handle);
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Sleeps `ms` (nothing for 0 or less); `close()` wakes every sleeper at once. */
  async sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const wake of this.sleeping) wake();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
