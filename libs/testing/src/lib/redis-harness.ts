import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import Redis from 'ioredis';
import {
  TestCertificates,
  TestClientTls,
  clientTlsOf,
  createTestCertificates,
} from './redis-tls/test-certificates';

export interface RedisHarnessOptions {
  /** Persist with AOF and `appendfsync always`, so a restart keeps every acknowledged write. */
  appendOnly?: boolean;
  /** Ignore REDIS_URL and always run an own server (tests that kill Redis need this). */
  ownServer?: boolean;
  /** TLS only and ACL users, the default user off (always an own server). */
  secure?: SecureRedisOptions;
  /** More `redis-server` arguments (a cluster node's `--cluster-enabled yes`, …); always an own server. */
  serverArgs?: readonly string[];
  /** The port to listen on (an own server); a free one when unset. */
  port?: number;
}

/**
 * A server as production should run one: TLS on its only port (`--port 0`), client certificates
 * required, signed by a CA made for the test; ACL users from an ACL file, the default user off.
 * The harness' own clients (`client()`) log in as an admin user of its own.
 */
export interface SecureRedisOptions {
  /** Users: the arguments of `ACL SETUSER` after the word SETUSER (the username first). */
  users: string[][];
}

/** The harness' admin user, for setup and assertions; never one the apps use. */
const ADMIN_USER = 'harness-admin';

/**
 * A real redis-server for tests. By default it starts its own on a free port, with its data in a
 * temporary folder, and can stop, kill and restart it. When REDIS_URL is set (and `ownServer` is
 * not), it uses that server instead, on a database number picked per Jest worker, flushed first.
 */
export class RedisHarness {
  private process?: ChildProcess;
  private readonly dataDir?: string;
  private certificates?: TestCertificates;
  private readonly adminPassword = randomBytes(16).toString('hex');

  private constructor(
    readonly url: string,
    private readonly port: number | undefined,
    private readonly options: RedisHarnessOptions,
  ) {
    if (port !== undefined) this.dataDir = mkdtempSync(join(tmpdir(), 'streamscribe-redis-'));
  }

  static async start(options: RedisHarnessOptions = {}): Promise<RedisHarness> {
    const external = process.env['REDIS_URL'];
    if (external && !options.ownServer && !options.secure && !options.serverArgs) {
      const db = Number(process.env['JEST_WORKER_ID'] ?? '1') % 16;
      const url = new URL(external);
      url.pathname = `/${db}`;
      const harness = new RedisHarness(url.toString(), undefined, options);
      await harness.flush();
      return harness;
    }
    const harness = new RedisHarness('', options.port ?? (await freePort()), options);
    await harness.startServer();
    return harness;
  }

  /** The server's own port, or undefined when it is an external one (REDIS_URL). */
  get ownPort(): number | undefined {
    return this.port;
  }

  /** The folder the server keeps its data in (an own server). */
  get dataFolder(): string | undefined {
    return this.dataDir;
  }

  /** A new client on this server (a secure one's admin); the caller quits it. */
  client(): Redis {
    if (this.certificates)
      return new Redis(this.urlFor(ADMIN_USER, this.adminPassword), {
        lazyConnect: false,
        maxRetriesPerRequest: 3,
        tls: this.clientTls,
      });
    return new Redis(this.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  }

  /** `rediss://user:password@127.0.0.1:<port>` on a secure server. */
  urlFor(username: string, password: string): string {
    const url = new URL(this.url);
    url.username = encodeURIComponent(username);
    url.password = encodeURIComponent(password);
    return url.toString();
  }

  /** The REDIS_TLS_* settings an app needs for a secure server (the test CA, the client certificate). */
  tlsSettings(): Record<string, string> {
    const certificates = this.secureOnly();
    return {
      REDIS_TLS_CA_FILE: certificates.caFile,
      REDIS_TLS_CERT_FILE: certificates.clientCertFile,
      REDIS_TLS_KEY_FILE: certificates.clientKeyFile,
    };
  }

  /** A secure server's CA and client certificate, read, for clients in the test itself. */
  get clientTls(): TestClientTls {
    return clientTlsOf(this.secureOnly());
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
    const secure = this.options.secure;
    (this as { url: string }).url = `${secure ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
    const args = [
      ...(secure ? this.secureArgs(port, secure) : ['--port', String(port)]),
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
      ...(this.options.serverArgs ?? []),
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    // Its log (warnings and worse: a bad ACL file, a TLS setting it refuses), shown if it fails to start.
    let stderr = '';
    const record = (chunk: Buffer) => (stderr += chunk.toString());
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(
          new Error(
            `cannot start redis-server (${error.message}): install it (apt-get install redis-server) or set REDIS_URL`,
          ),
        ),
      ),
    );
    await Promise.race([
      waitForPing(this.url, () => stderr, this.certificates && this.clientTls),
      spawnError,
    ]);
  }

  /** TLS on `port` only, client certificates required, users from an ACL file. */
  private secureArgs(port: number, secure: SecureRedisOptions): string[] {
    const dir = this.dataDir as string;
    this.certificates ??= createTestCertificates(dir);
    const aclFile = join(dir, 'users.acl');
    const lines = [
      'user default off',
      `user ${ADMIN_USER} on >${this.adminPassword} ~* &* +@all`,
      ...secure.users.map((setUserArgs) => `user ${setUserArgs.join(' ')}`),
    ];
    writeFileSync(aclFile, `${lines.join('\n')}\n`);
    const { serverCertFile, serverKeyFile, caFile } = this.certificates;
    return [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      serverCertFile,
      '--tls-key-file',
      serverKeyFile,
      '--tls-ca-cert-file',
      caFile,
      '--tls-auth-clients',
      'yes',
      '--aclfile',
      aclFile,
    ];
  }

  private secureOnly(): TestCertificates {
    if (!this.certificates)
      throw new Error('not a secure server: start it with RedisHarness.start({ secure })');
    return this.certificates;
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

export async function waitForPing(url: string, stderr: () => string, tls?: TestClientTls): Promise<void> {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await pingOnce(hostname, Number(port), tls)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not answer within 10 s: ${stderr()}`);
}

/**
 * One PING over a plain socket (or TLS): no client library, so nothing lingers after a refused
 * attempt. Over TLS, with the default user off, the answer is NOAUTH: the server is up all the same.
 */
function pingOnce(host: string, port: number, tls?: TestClientTls): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls
      ? connectTls({ host, port, ...tls, servername: 'localhost' })
      : connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once(tls ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
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
