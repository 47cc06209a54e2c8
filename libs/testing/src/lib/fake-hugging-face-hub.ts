import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface HubRequest {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
}

/**
 * A local stand-in for the Hugging Face hub's file endpoint, `GET|HEAD /{repo}/resolve/{revision}/{path}`,
 * as the public hub behaves: a 302 to a CDN path (here `/cdn/...` on the same server) that serves
 * the bytes with Content-Length and honours `Range: bytes=N-` with 206 and Content-Range; 404
 * for files the repo lacks. The redirect carries X-Linked-Size and X-Linked-Etag (the file's sha256),
 * as the hub's answer for a file kept in Git LFS does; a file added `inGit` is answered directly
 * with its git blob SHA-1 as ETag, as the hub does for small files. Tests can cut a transfer short (to exercise resume) or make the CDN
 * ignore Range (to exercise a restart).
 */
export class FakeHuggingFaceHub {
  readonly requests: HubRequest[] = [];
  private readonly files = new Map<string, Buffer>();
  private cutAfter = new Map<string, number>();
  private ignoreRange = false;
  private readonly tampered = new Map<string, Buffer>();
  private readonly inGit = new Set<string>();

  private constructor(
    private readonly server: Server,
    /** Base URL for HF_ENDPOINT. */
    readonly url: string,
  ) {
    server.on('request', (req, res) => this.handle(req, res));
  }

  static async start(): Promise<FakeHuggingFaceHub> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeHuggingFaceHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  /** Serves `content` as `{repo}/{path}` on the main revision. */
  addFile(repo: string, path: string, content: Buffer, options: { inGit?: boolean } = {}): void {
    this.files.set(`${repo}/resolve/main/${path}`, content);
    if (options.inGit) this.inGit.add(`${repo}/resolve/main/${path}`);
  }

  /** The next GET of this file sends only `bytes` bytes (after its range start), then drops the connection. */
  cutNextTransfer(repo: string, path: string, bytes: number): void {
    this.cutAfter.set(`${repo}/resolve/main/${path}`, bytes);
  }

  /**
   * The CDN serves `content` for this file while the hub keeps announcing the original's sha256,
   * as a corrupting proxy or a poisoned mirror would.
   */
  tamperWith(repo: string, path: string, content: Buffer): void {
    this.tampered.set(`${repo}/resolve/main/${path}`, content);
  }

  /** Answer every ranged GET with the whole file and 200, as some proxies do. */
  setIgnoreRange(ignore: boolean): void {
    this.ignoreRange = ignore;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/^\//, '');
    this.requests.push({
      method: req.method ?? 'GET',
      path,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    // A small file kept in git (not LFS): served straight away, its ETag the git blob SHA-1.
    if (this.inGit.has(path)) {
      const original = this.files.get(path) ?? Buffer.alloc(0);
      const blob = createHash('sha1').update(`blob ${original.length}\0`).update(original).digest('hex');
      const content = this.tampered.get(path) ?? original;
      res.writeHead(200, { 'content-length': String(content.length), etag: `"${blob}"` });
      return void res.end(req.method === 'HEAD' ? undefined : content);
    }
    if (!path.startsWith('cdn/')) {
      if (!this.files.has(path))
        return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      const original = this.files.get(path) ?? Buffer.alloc(0);
      const sha256 = createHash('sha256').update(original).digest('hex');
      return void res
        .writeHead(302, {
          location: `/cdn/${path}`,
          'x-linked-size': String(original.length),
          'x-linked-etag': `"${sha256}"`,
          etag: `"${sha256}"`,
        })
        .end();
    }
    const key = path.slice('cdn/'.length);
    const content = this.tampered.get(key) ?? this.files.get(key);
    if (!content) return void res.writeHead(404).end();
    const ranged = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = ranged && !this.ignoreRange ? Number(ranged[1]) : 0;
    if (start > content.length)
      return void res.writeHead(416, { 'content-range': `bytes */${content.length}` }).end();
    const headers = { 'content-length': String(content.length - start), 'accept-ranges': 'bytes' };
    if (ranged && !this.ignoreRange)
      res.writeHead(206, {
        ...headers,
        'content-range': `bytes ${start}-${content.length - 1}/${content.length}`,
      });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD') return void res.end();
    const cut = this.cutAfter.get(key);
    if (cut !== undefined) {
      this.cutAfter.delete(key);
      res.write(content.subarray(start, start + cut), () => res.destroy());
      return;
    }
    res.end(content.subarray(start));
  }
}
