import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

export interface RedisHarnessOptions {
  /** Persist with AOF and `appendfsync always`, so a restart keeps every acknowledged write. */
  appendOnly?: boolean;
  /** Ignore REDIS_URL and always run an own server (tests that kill Redis need this). */
  ownServer?: boolean;
}

/**
 * A real redis-server for tests. By default it starts its own on a free port, with its data in a
 * temporary folder, and can stop, kill and restart it. When REDIS_URL is set (and `ownServer` is
 * not), it uses that server instead, on a database number picked per Jest worker, flushed first.
 */
export class RedisHarness {
  private process?: ChildProcess;
  private readonly dataDir?: string;

  private constructor(
    readonly url: string,
    private readonly port: number | undefined,
    private readonly options: RedisHarnessOptions,
  ) {
    if (port !== undefined) this.dataDir = mkdtempSync(join(tmpdir(), 'streamscribe-redis-'));
  }

  static async start(options: RedisHarnessOptions = {}): Promise<RedisHarness> {
    const external = process.env['REDIS_URL'];
    if (external && !options.ownServer) {
      const db = Number(process.env['JEST_WORKER_ID'] ?? '1') % 16;
      const url = new URL(external);
      url.pathname = `/${db}`;
      const harness = new RedisHarness(url.toString(), undefined, options);
      await harness.flush();
      return harness;
    }
    const harness = new RedisHarness('', await freePort(), options);
    await harness.startServer();
    return harness;
  }

  /** A new client on this server; the caller quits it. */
  client(): Redis {
    return new Redis(this.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  }

  async flush(): Promise<void> {
    const client = this.client();
    try {
      await client.flushdb();
    } finally {
      client.disconnect();
    }
  }

  /** Stops the server as a crash would (SIGKILL): nothing is flushed beyond what AOF already has. */
  async kill(): Promise<void> {
    await this.stopProcess('SIGKILL');
  }

  /** Stops the server cleanly (SIGTERM). */
  async stop(): Promise<void> {
    await this.stopProcess('SIGTERM');
  }

  /** Starts the server again on the same port and data folder. */
  async restart(): Promise<void> {
    this.ownServerOnly('restart');
    if (this.process) await this.stop();
    await this.startServer();
  }

  async close(): Promise<void> {
    if (this.port === undefined) return;
    await this.stopProcess('SIGKILL');
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async startServer(): Promise<void> {
    const port = this.ownServerOnly('start');
    (this as { url: string }).url = `redis://127.0.0.1:${port}`;
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dataDir as string,
      '--save',
      '',
      '--appendonly',
      this.options.appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--loglevel',
      'warning',
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(
          new Error(
            `cannot start redis-server (${error.message}): install it (apt-get install redis-server) or set REDIS_URL`,
          ),
        ),
      ),
    );
    await Promise.race([waitForPing(this.url, () => stderr), spawnError]);
  }

  private async stopProcess(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  private ownServerOnly(action: string): number {
    if (this.port === undefined) {
      throw new Error(
        `cannot ${action} an external Redis (REDIS_URL); use RedisHarness.start({ ownServer: true })`,
      );
    }
    return this.port;
  }
}

async function waitForPing(url: string, stderr: () => string): Promise<void> {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await pingOnce(hostname, Number(port))) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not answer within 10 s: ${stderr()}`);
}

/** One PING over a plain socket: no client library, so nothing lingers after a refused attempt. */
function pingOnce(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** A port the OS says is free right now (the usual small race is acceptable in tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
