import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RedisHarness, freePort, waitForPing } from './redis-harness';
import { until } from './until';

export interface SentinelHarnessOptions {
  /** The master name the sentinels monitor. @defaultValue 'streamscribe' */
  masterName?: string;
  /** `down-after-milliseconds`: how long the primary must be silent before it is failed over. @defaultValue 1000 */
  downAfterMs?: number;
  /** `failover-timeout`. @defaultValue 3000 */
  failoverTimeoutMs?: number;
  /** ACL file lines for the data nodes (`user … on >pw ~* +get`); the default user stays open for the sentinels. */
  aclUsers?: readonly string[][];
}

export interface RedisAddress {
  host: string;
  port: number;
}

const HOST = '127.0.0.1';
const SENTINELS = 3;
const QUORUM = 2;

/**
 * A Redis deployment with Sentinel, as production runs one: a primary, one replica and three
 * `redis-sentinel` processes (quorum 2) on free ports, data and configs in a temporary folder.
 * `killPrimary()` crashes the primary (SIGKILL), `waitForFailover()` returns the replica the
 * sentinels promoted. The data nodes are RedisHarness servers, so they start and stop as every
 * other test's Redis does.
 */
export class SentinelHarness {
  private readonly sentinelProcesses: ChildProcess[] = [];
  private primaryIndex = 0;

  private constructor(
    readonly masterName: string,
    private readonly dir: string,
    /** [0] the first primary, [1] its replica. */
    private readonly nodes: RedisHarness[],
    readonly sentinelPorts: number[],
  ) {}

  static async start(options: SentinelHarnessOptions = {}): Promise<SentinelHarness> {
    const masterName = options.masterName ?? 'streamscribe';
    const dir = mkdtempSync(join(tmpdir(), 'streamscribe-sentinel-'));
    const aclArgs = aclFileArgs(dir, options.aclUsers);
    const primary = await RedisHarness.start({ serverArgs: aclArgs });
    const primaryPort = primary.ownPort as number;
    const replica = await RedisHarness.start({
      serverArgs: [...aclArgs, '--replicaof', HOST, String(primaryPort)],
    });
    const ports = await Promise.all(Array.from({ length: SENTINELS }, () => freePort()));
    const harness = new SentinelHarness(masterName, dir, [primary, replica], ports);
    try {
      for (const [i, port] of ports.entries())
        await harness.startSentinel(i, port, primaryPort, {
          downAfterMs: options.downAfterMs ?? 1000,
          failoverTimeoutMs: options.failoverTimeoutMs ?? 3000,
        });
      await harness.waitUntilWatching();
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  /** `REDIS_SENTINELS` for the apps: `127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`. */
  get sentinels(): string {
    return this.sentinelPorts.map((port) => `${HOST}:${port}`).join(',');
  }

  /** The node that is primary now (as far as this harness killed and failed over). */
  get primary(): RedisHarness {
    return this.nodes[this.primaryIndex];
  }

  /** The node that was the replica before the last failover. */
  get replica(): RedisHarness {
    return this.nodes[1 - this.primaryIndex];
  }

  /** What the sentinels name primary right now (SENTINEL get-master-addr-by-name, first that answers). */
  async primaryAddress(): Promise<RedisAddress> {
    for (const port of this.sentinelPorts) {
      const reply = await this.askSentinel(port, 'get-master-addr-by-name', this.masterName).catch(
        () => null,
      );
      if (Array.isArray(reply) && reply.length === 2)
        return { host: String(reply[0]), port: Number(reply[1]) };
    }
    throw new Error('no sentinel names a primary');
  }

  /** Crashes the primary (SIGKILL): what it had not yet sent its replica is gone. */
  async killPrimary(): Promise<void> {
    await this.primary.kill();
  }

  /**
   * A planned failover (SENTINEL FAILOVER): the primary stays up and is demoted to a replica, so
   * clients that do not move answer READONLY to writes. Follow with `waitForFailover()`.
   */
  async failover(): Promise<void> {
    await this.askSentinel(this.sentinelPorts[0], 'failover', this.masterName);
  }

  /**
   * Waits until the sentinels name another primary than the killed one and it answers as a
   * primary; returns its address and how long the wait took.
   */
  async waitForFailover(timeoutMs = 30_000): Promise<RedisAddress & { waitedMs: number }> {
    const started = Date.now();
    const oldPort = this.primary.ownPort;
    const promoted = this.replica;
    await until(
      async () => {
        const address = await this.primaryAddress().catch(() => undefined);
        if (!address || address.port === oldPort) return false;
        if (address.port !== promoted.ownPort)
          throw new Error(`sentinels promoted an unknown node ${address.host}:${address.port}`);
        return (await roleOf(promoted)) === 'master';
      },
      (done) => done,
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`no failover of ${this.masterName} within ${timeoutMs} ms (${error.message})`);
    });
    this.primaryIndex = 1 - this.primaryIndex;
    return { host: HOST, port: promoted.ownPort as number, waitedMs: Date.now() - started };
  }

  /**
   * Starts the node `killPrimary()` crashed again (empty: no persistence) as a replica of the
   * promoted one, as an operator's restart script would (the sentinels would convert it too, but
   * only on their next INFO of it, up to 10 s later), and waits until it has synced: WAIT can count it.
   */
  async restartKilledAsReplica(timeoutMs = 30_000): Promise<void> {
    const node = this.replica;
    await node.restart();
    const replicate = async () => {
      const client = node.client();
      try {
        await client.call('REPLICAOF', HOST, String(this.primary.ownPort));
      } finally {
        client.disconnect();
      }
    };
    await replicate();
    // Still a master a while later (seen once in a CI run on a loaded machine; cause not
    // established, the sentinels' view of the restarted old primary is the suspect): tell it again.
    let askedAt = Date.now();
    await until(
      async () => {
        const link = await replicaLinkOf(node).catch(() => 'unreachable');
        if (link === 'master' && Date.now() - askedAt > 2000) {
          await replicate().catch(() => undefined);
          askedAt = Date.now();
        }
        return link;
      },
      (link) => link === 'connected',
      timeoutMs,
    );
  }

  /** Stops the sentinels and both data nodes, and removes the folder. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(this.sentinelProcesses.splice(0).map((child) => killed(child)));
    await Promise.all(this.nodes.map((node) => node.close()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async startSentinel(
    index: number,
    port: number,
    primaryPort: number,
    timing: { downAfterMs: number; failoverTimeoutMs: number },
  ): Promise<void> {
    const configFile = join(this.dir, `sentinel-${index}.conf`);
    // The sentinel rewrites this file with what it learns (replicas, other sentinels, epochs).
    writeFileSync(
      configFile,
      [
        `port ${port}`,
        `bind ${HOST}`,
        `dir ${this.dir}`,
        `sentinel monitor ${this.masterName} ${HOST} ${primaryPort} ${QUORUM}`,
        `sentinel down-after-milliseconds ${this.masterName} ${timing.downAfterMs}`,
        `sentinel failover-timeout ${this.masterName} ${timing.failoverTimeoutMs}`,
        `sentinel parallel-syncs ${this.masterName} 1`,
        '',
      ].join('\n'),
    );
    const child = spawn('redis-sentinel', [configFile, '--loglevel', 'warning'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.sentinelProcesses.push(child);
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(new Error(`cannot start redis-sentinel (${error.message}): apt-get install redis-sentinel`)),
      ),
    );
    await Promise.race([waitForPing(`redis://${HOST}:${port}`, () => log), spawnError]);
  }

  /**
   * The replica has synced (ROLE says `connected`), and every sentinel sees it and the quorum
   * (SENTINEL CKQUORUM): writes now reach the replica, and a failover can happen.
   */
  private async waitUntilWatching(): Promise<void> {
    const replicaPort = String(this.replica.ownPort);
    await until(
      async () => {
        if ((await replicaLinkOf(this.replica)) !== 'connected') return false;
        for (const port of this.sentinelPorts) {
          const replicas = (await this.askSentinel(port, 'replicas', this.masterName)) as string[][];
          const seen = replicas.some((fields) => {
            const info = fieldsOf(fields);
            return info['port'] === replicaPort && !/s_down|disconnected/.test(info['flags'] ?? '');
          });
          if (!seen) return false;
          const quorum = await this.askSentinel(port, 'ckquorum', this.masterName).catch(() => 'no');
          if (!String(quorum).startsWith('OK')) return false;
        }
        return true;
      },
      (watching) => watching,
      30_000,
    ).catch((error: Error) => {
      throw new Error(`the sentinels did not see the replica and each other within 30 s (${error.message})`);
    });
  }

  private async askSentinel(port: number, ...args: string[]): Promise<unknown> {
    const client = new Redis({
      host: HOST,
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      return await client.call('SENTINEL', ...args);
    } finally {
      client.disconnect();
    }
  }
}

/** `--aclfile` with the given users and the default user open (sentinels and the harness log in as it). */
function aclFileArgs(dir: string, users: readonly string[][] | undefined): string[] {
  if (!users) return [];
  const file = join(dir, 'users.acl');
  const lines = ['user default on nopass ~* &* +@all', ...users.map((args) => `user ${args.join(' ')}`)];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return ['--aclfile', file];
}

async function roleOf(node: RedisHarness): Promise<string> {
  const client = node.client();
  try {
    const [role] = (await client.call('ROLE')) as [string];
    return role;
  } catch {
    return 'unreachable';
  } finally {
    client.disconnect();
  }
}

/** A replica's link to its primary (ROLE: connect, connecting, sync, connected). */
async function replicaLinkOf(node: RedisHarness): Promise<string> {
  const client = node.client();
  try {
    const role = (await client.call('ROLE')) as unknown[];
    return role[0] === 'slave' ? String(role[3]) : String(role[0]);
  } finally {
    client.disconnect();
  }
}

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
