import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppProcess,
  FakeAssemblyAIServer,
  FakeDeepgramServer,
  RedisHarness,
  TEST_ADMIN_API_KEY,
  createTestCertificates,
  WorkerFleet,
  WorkerSpec,
  deepgramWorkerEnv,
  freePort,
} from '@streamscribe/testing';

export interface LiveStackOptions {
  /** worker-deepgram processes. */
  deepgramWorkers: number;
  /** worker-assemblyai processes (the fallback); 0: no AssemblyAI at all. */
  assemblyaiWorkers: number;
  /** Lease of a live session's owner; a SIGKILLed owner's sessions move after about this long. */
  leaseMs: number;
  /** Extra settings for every process (router and workers). */
  env?: Record<string, string>;
}

/**
 * The live path as real processes: redis-server, the router (WS `/v1/listen`), worker-deepgram and
 * worker-assemblyai processes (a WorkerFleet, so any can be SIGKILLed and restarted) against the
 * fake Deepgram and fake AssemblyAI, live WebSockets included.
 */
export class LiveStack {
  private constructor(
    readonly harness: RedisHarness,
    readonly deepgram: FakeDeepgramServer,
    readonly assemblyai: FakeAssemblyAIServer,
    readonly router: AppProcess,
    readonly routerUrl: string,
    readonly fleet: WorkerFleet,
    private readonly certificateDir: string,
  ) {}

  static async start(options: LiveStackOptions): Promise<LiveStack> {
    const harness = await RedisHarness.start({ ownServer: true });
    const deepgram = await FakeDeepgramServer.start();
    // AssemblyAI's streaming SDK takes only wss://: the fake serves TLS with a throwaway CA that
    // the AssemblyAI workers trust (NODE_EXTRA_CA_CERTS).
    const certificateDir = mkdtempSync(join(tmpdir(), 'live-stack-'));
    const certificates = createTestCertificates(certificateDir);
    const assemblyai = await FakeAssemblyAIServer.start({
      tls: { cert: readFileSync(certificates.serverCertFile), key: readFileSync(certificates.serverKeyFile) },
    });
    const live = liveEnv(options);
    const port = await freePort();
    const router = await AppProcess.start('router', {
      REDIS_URL: harness.url,
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
      // Live connection limits and quotas have their own suites.
      QUOTAS_ENABLED: 'false',
      ...live,
    });
    const common = { REDIS_URL: harness.url, PORT: '0', HEARTBEAT_INTERVAL_MS: '250', ...live };
    const specs: WorkerSpec[] = [];
    for (let i = 0; i < options.deepgramWorkers; i++)
      specs.push({
        app: 'worker-deepgram',
        env: deepgramWorkerEnv(harness.url, deepgram, { ...common, CONSUMER_NAME: `deepgram-live-${i}` }),
      });
    for (let i = 0; i < options.assemblyaiWorkers; i++)
      specs.push({
        app: 'worker-assemblyai',
        env: {
          ...common,
          CONSUMER_NAME: `assemblyai-live-${i}`,
          ASSEMBLYAI_API_KEY: assemblyai.apiKey,
          ASSEMBLYAI_BASE_URL: assemblyai.url,
          NODE_EXTRA_CA_CERTS: certificates.caFile,
        },
      });
    const fleet = new WorkerFleet(specs);
    await fleet.start();
    return new LiveStack(
      harness,
      deepgram,
      assemblyai,
      router,
      `http://127.0.0.1:${port}`,
      fleet,
      certificateDir,
    );
  }

  /**
   * The fake Deepgram drops (TCP destroyed, no close frame) every live socket still open: the
   * session's provider connection, mid-utterance. Returns how many it dropped.
   */
  dropDeepgramLiveSockets(): number {
    const open = this.deepgram.liveConnections.filter((c) => c.record.closeCode === undefined);
    for (const connection of open) connection.drop();
    return open.length;
  }

  /** Redis `INFO stats` network counters: bytes the server read and wrote so far. */
  async redisNetBytes(): Promise<{ input: number; output: number }> {
    const client = this.harness.client();
    try {
      const info = await client.info('stats');
      const read = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
      return { input: read('total_net_input_bytes'), output: read('total_net_output_bytes') };
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.fleet.stop().catch(() => undefined);
    await this.router.stop().catch(() => undefined);
    await this.deepgram.close().catch(() => undefined);
    await this.assemblyai.close().catch(() => undefined);
    await this.harness.close();
    rmSync(this.certificateDir, { recursive: true, force: true });
  }
}

/** Settings of the live path: the workers' session lease, how often the router checks it. */
function liveEnv(options: LiveStackOptions): Record<string, string> {
  return {
    LIVE_SESSION_LEASE_MS: String(options.leaseMs),
    LIVE_LEASE_CHECK_MS: String(Math.max(50, Math.floor(options.leaseMs / 5))),
    LIVE_MAX_SESSIONS: '500',
    ...options.env,
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 off Linux. */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), 1-based: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS_PER_SECOND = 100;
