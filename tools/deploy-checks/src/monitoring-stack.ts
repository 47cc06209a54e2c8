import Redis from 'ioredis';
import {
  AppProcess,
  FakeAssemblyAIServer,
  FakeDeepgramServer,
  PrometheusServer,
  RedisExporter,
  RedisHarness,
  TEST_ADMIN_API_KEY,
  freePort,
  keyedFetch,
  speechWav,
  until,
} from '@streamscribe/testing';

/**
 * Short windows so a test sees retries and reclaims play out in seconds (liveness keeps its default
 * 10 s: the backlog test posts to a frozen worker that must still count as live meanwhile). The workers'
 * metrics are on PORT, the router's on MANAGEMENT_PORT: what the ServiceMonitor scrapes.
 */
const FAST = { HEARTBEAT_INTERVAL_MS: '200', LOAD_CACHE_MS: '0' };
const WORKER = {
  ...FAST,
  WORKER_BLOCK_MS: '200',
  WORKER_CONCURRENCY: '4',
  RETRY_MAX_ATTEMPTS: '2',
  RETRY_BASE_MS: '10',
  DRAIN_TIMEOUT_MS: '500',
  RECLAIM_MIN_IDLE_MS: '1000',
  RECLAIM_INTERVAL_MS: '300',
};

/** Starting an app from its sources takes seconds; far longer when the machine is busy. */
const READY_TIMEOUT_MS = 120_000;

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The fabric as the monitoring sees it in production: Redis, the router and two cloud workers
 * (against the fake Deepgram and AssemblyAI) as real processes, redis_exporter on that Redis,
 * and a real Prometheus scraping all of them every second, with the `app` label the
 * ServiceMonitor and the compose configuration give each series.
 */
export class MonitoringStack {
  harness!: RedisHarness;
  redis!: Redis;
  deepgram!: FakeDeepgramServer;
  assemblyai!: FakeAssemblyAIServer;
  router!: AppProcess;
  /** The router's public API: `http://127.0.0.1:<port>`. */
  base!: string;
  /** worker-deepgram and worker-assemblyai, by app name, with their metrics port; a spec may replace one. */
  readonly workers = new Map<string, { process: AppProcess; port: number }>();
  exporter!: RedisExporter;
  prometheus!: PrometheusServer;

  private constructor() {
    // Built by start(), which stops what it started when a part fails.
  }

  /** Starts every part; one that fails to start stops those already running. */
  static async start(): Promise<MonitoringStack> {
    const stack = new MonitoringStack();
    try {
      await stack.startParts();
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  private async startParts(): Promise<void> {
    this.harness = await RedisHarness.start({ ownServer: true });
    this.redis = this.harness.client();
    this.deepgram = await FakeDeepgramServer.start();
    this.assemblyai = await FakeAssemblyAIServer.start();
    const [routerPort, managementPort, deepgramPort, assemblyaiPort] = await Promise.all(
      [0, 1, 2, 3].map(() => freePort()),
    );
    this.base = `http://127.0.0.1:${routerPort}`;
    // One at a time, each kept as soon as it runs, so a failed start leaves nothing behind.
    this.router = await AppProcess.start(
      'router',
      {
        ...FAST,
        REDIS_URL: this.harness.url,
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        PORT: String(routerPort),
        MANAGEMENT_PORT: String(managementPort),
      },
      READY_TIMEOUT_MS,
    );
    this.workers.set('worker-deepgram', {
      process: await MonitoringStack.deepgramWorker(this.harness.url, this.deepgram, deepgramPort),
      port: deepgramPort,
    });
    const assemblyai = await AppProcess.start(
      'worker-assemblyai',
      {
        ...WORKER,
        REDIS_URL: this.harness.url,
        PORT: String(assemblyaiPort),
        ASSEMBLYAI_API_KEY: FakeAssemblyAIServer.DEFAULT_API_KEY,
        ASSEMBLYAI_BASE_URL: this.assemblyai.url,
        ASSEMBLYAI_POLLING_INTERVAL_MS: '50',
      },
      READY_TIMEOUT_MS,
    );
    this.workers.set('worker-assemblyai', { process: assemblyai, port: assemblyaiPort });
    // As docker/compose.yaml runs it: per-stream and per-group series of the provider streams.
    this.exporter = await RedisExporter.start(this.harness.url, { checkStreams: 'audio:stream:*' });
    const app = (name: string, port: number) => ({
      job: 'streamscribe',
      address: `127.0.0.1:${port}`,
      labels: { app: name },
    });
    this.prometheus = await PrometheusServer.start([
      app('router', managementPort),
      app('worker-deepgram', deepgramPort),
      app('worker-assemblyai', assemblyaiPort),
      { job: 'redis', address: this.exporter.address },
    ]);
  }

  /** worker-deepgram on `port` (a replacement takes its predecessor's port, so its target). */
  static deepgramWorker(redisUrl: string, deepgram: FakeDeepgramServer, port: number): Promise<AppProcess> {
    return AppProcess.start(
      'worker-deepgram',
      {
        ...WORKER,
        REDIS_URL: redisUrl,
        PORT: String(port),
        DEEPGRAM_API_KEY: deepgram.apiKey,
        DEEPGRAM_API_URL: deepgram.url,
      },
      READY_TIMEOUT_MS,
    );
  }

  /** Posts one chunk of speech to a session; resolves with the HTTP status. */
  async postChunk(sessionId: string, query: string): Promise<number> {
    const response = await keyedFetch(`${this.base}/v1/sessions/${sessionId}/chunks?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav('monitoring proven'),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** The session's transcript once every chunk has a result (transcribed or failed). */
  settled(sessionId: string): Promise<Body> {
    return until(
      async () =>
        (await (await keyedFetch(`${this.base}/v1/sessions/${sessionId}/transcript`)).json()) as Body,
      (transcript) => transcript['complete'] === true,
      20_000,
    );
  }

  async close(): Promise<void> {
    await this.prometheus?.close();
    await this.exporter?.close();
    await this.router?.stop();
    for (const { process } of this.workers.values()) await process.stop();
    await this.deepgram?.close();
    await this.assemblyai?.close();
    this.redis?.disconnect();
    await this.harness?.close();
  }
}
