import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import Redis, { Cluster } from 'ioredis';
import { RedisHarness, freePort } from './redis-harness';

const run = promisify(execFile);

export interface ClusterHarnessOptions {
  /** Primaries (each gets `replicasPerPrimary` replicas); 3 by default, the least Redis allows. */
  primaries?: number;
  replicasPerPrimary?: number;
  /**
   * `cluster-node-timeout` in ms: how long a silent primary takes to be marked failed and its
   * replica promoted (about this plus a second). Short, so failover tests stay fast.
   */
  nodeTimeoutMs?: number;
}

/** One node as the cluster sees it (`CLUSTER NODES`). */
export interface ClusterNode {
  id: string;
  /** `127.0.0.1:<port>` */
  address: string;
  port: number;
  role: 'primary' | 'replica';
  /** The primary a replica follows. */
  primaryId?: string;
  /** Marked failed by the cluster (`fail` flag). */
  failed: boolean;
  /** Slot ranges a primary serves, as `[first, last]`. */
  slots: Array<[number, number]>;
}

/**
 * A real Redis Cluster for tests: `redis-server --cluster-enabled yes` nodes, each a RedisHarness
 * on its own port and temporary folder, joined by `redis-cli --cluster create` into primaries with
 * replicas (3 + 3 by default). Apps reach it with REDIS_CLUSTER_NODES=`seedNodes` and
 * REDIS_URL=`url`. A primary can be SIGKILLed (`killPrimary`) and its replica's promotion awaited
 * (`waitForFailover`).
 */
export class ClusterHarness {
  private constructor(
    private readonly servers: RedisHarness[],
    /** `cluster-node-timeout`: a failover takes about this plus a second. */
    readonly nodeTimeoutMs: number,
  ) {}

  static async start(options: ClusterHarnessOptions = {}): Promise<ClusterHarness> {
    const primaries = options.primaries ?? 3;
    const replicas = options.replicasPerPrimary ?? 1;
    const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
    const servers: RedisHarness[] = [];
    const harness = new ClusterHarness(servers, nodeTimeoutMs);
    try {
      for (let i = 0; i < primaries * (1 + replicas); i++) {
        const port = await freeClusterPort();
        servers.push(
          await RedisHarness.start({
            port,
            serverArgs: [
              '--cluster-enabled',
              'yes',
              '--cluster-node-timeout',
              String(nodeTimeoutMs),
              // A replica promotes itself however long it was cut off: tests kill primaries on purpose.
              '--cluster-replica-validity-factor',
              '0',
            ],
          }),
        );
      }
      const addresses = servers.map((server) => `127.0.0.1:${server.ownPort}`);
      await run(
        'redis-cli',
        ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes'],
        { timeout: 60_000 },
      ).catch((error: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`redis-cli --cluster create failed: ${error.message}\n${error.stdout ?? ''}`);
      });
      await harness.waitForState(() => true, 30_000);
      await harness.waitForReplicasInSync(30_000);
      return harness;
    } catch (error) {
      await harness.stop();
      throw error;
    }
  }

  /** `host:port,…` of every node started, for REDIS_CLUSTER_NODES. */
  get seedNodes(): string {
    return this.servers.map((server) => `127.0.0.1:${server.ownPort}`).join(',');
  }

  /** REDIS_URL for the apps (no auth here): the first node; the cluster client finds the rest. */
  get url(): string {
    return `redis://127.0.0.1:${this.servers[0].ownPort}`;
  }

  /** A cluster client for the test itself (typed as Redis, as the apps type theirs); the caller quits it. */
  client(): Redis {
    const nodes = this.live().map((server) => ({ host: '127.0.0.1', port: server.ownPort as number }));
    const cluster = new Cluster(nodes, {
      redisOptions: { maxRetriesPerRequest: 3 },
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 200,
    });
    cluster.on('error', () => undefined); // it reconnects and refreshes its slots by itself
    return cluster as unknown as Redis;
  }

  /** A plain connection to one node (CLUSTER INFO, INFO, XINFO on the node that owns a key). */
  nodeClient(node: Pick<ClusterNode, 'port'>): Redis {
    return new Redis({ host: '127.0.0.1', port: node.port, maxRetriesPerRequest: 1, lazyConnect: false });
  }

  /** Every node the cluster knows, as a live node reports them. */
  async nodes(): Promise<ClusterNode[]> {
    for (const server of this.live()) {
      const reply = await this.ask(server.ownPort as number, ['CLUSTER', 'NODES']).catch(() => undefined);
      if (reply) return parseClusterNodes(reply);
    }
    throw new Error('no cluster node answers CLUSTER NODES');
  }

  /** The primary that serves `key`'s slot now. */
  async primaryFor(key: string): Promise<ClusterNode> {
    const port = this.live()[0].ownPort as number;
    const slot = Number(await this.ask(port, ['CLUSTER', 'KEYSLOT', key]));
    const owner = (await this.nodes()).find(
      (node) =>
        node.role === 'primary' && !node.failed && node.slots.some(([a, b]) => slot >= a && slot <= b),
    );
    if (!owner) throw new Error(`no live primary serves slot ${slot} (key ${key})`);
    return owner;
  }

  /** SIGKILLs a primary, as a crashed machine would stop; it stays down. */
  async killPrimary(node: Pick<ClusterNode, 'port'>): Promise<void> {
    const server = this.servers.find((candidate) => candidate.ownPort === node.port);
    if (!server) throw new Error(`no node on port ${node.port}`);
    await server.kill();
    this.killed.add(node.port);
  }

  /**
   * Waits until the killed primaries' slots are served by promoted replicas and every live node
   * says cluster_state:ok; resolves with the primaries then.
   */
  async waitForFailover(timeoutMs = 30_000): Promise<ClusterNode[]> {
    await this.waitForState(
      (nodes) =>
        nodes.every((node) => !(this.killed.has(node.port) && node.role === 'primary' && !node.failed)) &&
        nodes.filter((node) => node.role === 'primary' && !node.failed && node.slots.length > 0).length ===
          nodes.filter((node) => node.role === 'primary' && node.slots.length > 0).length,
      timeoutMs,
    );
    return (await this.nodes()).filter((node) => node.role === 'primary' && !node.failed);
  }

  /**
   * Starts a killed node again on its port and folder: it reads its nodes.conf, sees that its
   * replica was promoted in a newer epoch and rejoins as that node's replica. Resolves once the
   * cluster is ok and every replica is in sync (WAIT on the promoted primary can count it again).
   */
  async restartKilled(node: Pick<ClusterNode, 'port'>, timeoutMs = 60_000): Promise<void> {
    const server = this.servers.find((candidate) => candidate.ownPort === node.port);
    if (!server || !this.killed.has(node.port)) throw new Error(`no killed node on port ${node.port}`);
    await server.restart();
    this.killed.delete(node.port);
    await this.waitForState(
      (nodes) => nodes.some((candidate) => candidate.port === node.port && candidate.role !== 'primary'),
      timeoutMs,
    );
    await this.waitForReplicasInSync(timeoutMs);
  }

  /** SIGKILLs every node and removes their folders. Safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
  }

  private readonly killed = new Set<number>();

  private live(): RedisHarness[] {
    return this.servers.filter((server) => !this.killed.has(server.ownPort as number));
  }

  /** Until every live node says cluster_state:ok and `also` holds for the nodes a live node lists. */
  private async waitForState(also: (nodes: ClusterNode[]) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const states = await Promise.all(
        this.live().map((server) =>
          this.ask(server.ownPort as number, ['CLUSTER', 'INFO']).then(
            (info) => /cluster_state:(\w+)/.exec(info)?.[1] ?? '?',
            (error: Error) => error.message,
          ),
        ),
      );
      last = states.join(', ');
      if (states.every((state) => state === 'ok') && also(await this.nodes())) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`cluster not ok within ${timeoutMs} ms (node states: ${last})`);
  }

  /** Until every live replica's link to its primary is up (initial sync done), so WAIT can count it. */
  private async waitForReplicasInSync(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const replicas = (await this.nodes()).filter((node) => node.role === 'replica' && !node.failed);
      const links = await Promise.all(
        replicas.map((node) => this.ask(node.port, ['INFO', 'replication']).catch(() => '')),
      );
      if (links.every((info) => /master_link_status:up/.test(info))) return;
      if (Date.now() > deadline) throw new Error(`replicas not in sync within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async ask(port: number, command: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(port), ...command], { timeout: 5000 });
    if (/^(ERR|Could not connect)/.test(stdout)) throw new Error(stdout.trim());
    return stdout.trim();
  }
}

/** `CLUSTER NODES` lines: `<id> <ip:port@bus> <flags> <primary> <ping> <pong> <epoch> <link> <slot>…` */
export function parseClusterNodes(reply: string): ClusterNode[] {
  return reply
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [id, endpoint, flags, primaryId, , , , , ...slots] = line.trim().split(' ');
      const address = endpoint.split('@')[0];
      const flagList = flags.split(',');
      return {
        id,
        address,
        port: Number(address.split(':').pop()),
        role: flagList.includes('master') ? 'primary' : 'replica',
        ...(primaryId !== '-' ? { primaryId } : {}),
        failed: flagList.includes('fail') || flagList.includes('fail?'),
        slots: slots
          .filter((range) => !range.startsWith('['))
          .map((range) => {
            const [first, last] = range.split('-').map(Number);
            return [first, last ?? first] as [number, number];
          }),
      };
    });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair (port, port + 10000) for a cluster node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
