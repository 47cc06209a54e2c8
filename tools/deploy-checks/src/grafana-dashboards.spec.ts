import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BREAKER_STATE_METRIC, COST_METRIC, STREAM_METRICS } from '@streamscribe/observability';
import {
  AppProcess,
  FakeAssemblyAIServer,
  FakeDeepgramServer,
  RedisHarness,
  parsePrometheusText,
  sampleValue,
  tinyModelDir,
} from '@streamscribe/testing';
import { Dashboard, alertQueries, allPanels, loadDashboards, queriesOf } from './grafana-dashboards';
import { familyExporting, metricNamesIn } from './promql-metric-names';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

const dashboards = loadDashboards();
const queries = [
  ...[...dashboards].flatMap(([file, dashboard]) => queriesOf(file, dashboard)),
  ...alertQueries(),
];

/**
 * The apps whose /metrics together must export every metric a dashboard queries. Add an app
 * here when it lands; workers share worker-runtime's metrics, so worker-deepgram already
 * covers the names every worker exports.
 */
interface ScrapedApp {
  app: string;
  /** The provider stream whose lag the app's collector must report (a worker reports its own). */
  provider: string;
  env: (ctx: {
    redisUrl: string;
    deepgramUrl: string;
    assemblyaiUrl: string;
    port: number;
  }) => Record<string, string>;
}
const APPS: ScrapedApp[] = [
  {
    app: 'router',
    provider: 'deepgram',
    env: ({ redisUrl, port }) => ({ REDIS_URL: redisUrl, PORT: '0', MANAGEMENT_PORT: String(port) }),
  },
  {
    app: 'worker-deepgram',
    provider: 'deepgram',
    env: ({ redisUrl, deepgramUrl, port }) => ({
      REDIS_URL: redisUrl,
      PORT: String(port),
      DEEPGRAM_API_KEY: FakeDeepgramServer.DEFAULT_API_KEY,
      DEEPGRAM_API_URL: deepgramUrl,
      CONSUMER_NAME: 'dashboards-check-deepgram',
    }),
  },
  {
    app: 'worker-assemblyai',
    provider: 'assemblyai',
    env: ({ redisUrl, assemblyaiUrl, port }) => ({
      REDIS_URL: redisUrl,
      PORT: String(port),
      ASSEMBLYAI_API_KEY: FakeAssemblyAIServer.DEFAULT_API_KEY,
      ASSEMBLYAI_BASE_URL: assemblyaiUrl,
      CONSUMER_NAME: 'dashboards-check-assemblyai',
    }),
  },
  {
    // The committed tiny models: same code path and metrics as real exports.
    app: 'worker-whisper',
    provider: 'whisper',
    env: ({ redisUrl, port }) => ({
      REDIS_URL: redisUrl,
      PORT: String(port),
      WHISPER_MODEL_DIR: tinyModelDir('whisper'),
      INFERENCE_DEVICE: 'cpu',
    }),
  },
  {
    app: 'worker-parakeet',
    provider: 'parakeet',
    env: ({ redisUrl, port }) => ({
      REDIS_URL: redisUrl,
      PORT: String(port),
      PARAKEET_MODEL_DIR: tinyModelDir('parakeet'),
      INFERENCE_DEVICE: 'cpu',
    }),
  },
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Grafana dashboards', () => {
  it('are the fleet overview and the provider drill-down, each with queries', () => {
    expect([...dashboards.values()].map((d) => d.uid).sort()).toEqual([
      'streamscribe-fleet',
      'streamscribe-provider',
    ]);
    for (const [file, dashboard] of dashboards) expect(queriesOf(file, dashboard).length).toBeGreaterThan(10);
  });

  it('query the Prometheus datasource chosen by the $datasource variable, with unique panel ids', () => {
    for (const dashboard of dashboards.values()) {
      expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
      });
      const panels = allPanels(dashboard);
      expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
      for (const panel of panels.filter((p) => p.type !== 'row')) {
        expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
          panel: panel.title,
          uid: '${datasource}',
        });
      }
    }
  });

  it('show on the fleet overview: lag and pending per provider, throughput, latency, failovers, dead letters, cost, workers, breakers', () => {
    const fleet = dashboards.get('fleet-overview.json') as Dashboard;
    const names = new Set(queriesOf('fleet', fleet).flatMap((q) => metricNamesIn(q.expr)));
    for (const required of [
      STREAM_METRICS.lag,
      STREAM_METRICS.pending,
      STREAM_METRICS.liveConsumers,
      STREAM_METRICS.idlePending,
      'streamscribe_chunks_ingested_total',
      'streamscribe_chunks_processed_total',
      'streamscribe_chunk_end_to_end_seconds_bucket',
      'streamscribe_failovers_total',
      'streamscribe_dead_letters_total',
      COST_METRIC,
      BREAKER_STATE_METRIC,
    ]) {
      expect(names).toContain(required);
    }
    const quantiles = queriesOf('fleet', fleet).filter((q) =>
      q.expr.includes('streamscribe_chunk_end_to_end_seconds_bucket'),
    );
    expect(quantiles.map((q) => q.expr.match(/histogram_quantile\((0\.\d+)/)?.[1])).toEqual([
      '0.5',
      '0.95',
      '0.99',
    ]);
  });

  it('add up the partitions of a provider stream: lag and pending are de-duplicated per partition, then summed', () => {
    // With REDIS_PARTITIONS > 1 each partition is its own series (label `partition`); every app
    // reports the same Redis value, so max() per partition, then sum() over them, is the fleet's
    // figure. A plain max by (provider) would show only the busiest partition.
    const perPartition = new RegExp(`\\b(${STREAM_METRICS.lag}|${STREAM_METRICS.pending})\\b(?!_)`);
    const checked = queries.filter((q) => q.where.startsWith('panel') || q.where.startsWith('alert'));
    const using = checked.filter((q) => perPartition.test(q.expr));
    expect(using.length).toBeGreaterThanOrEqual(4);
    for (const query of using)
      expect({ where: query.where, expr: query.expr }).toEqual({
        where: query.where,
        expr: expect.stringMatching(/sum(?: by \([^)]*\))? ?\(max by \([^)]*\bpartition\b[^)]*\)/),
      });
  });

  it('scope every drill-down query to the $provider variable, whose values come from the lag collector', () => {
    const drilldown = dashboards.get('provider-drilldown.json') as Dashboard;
    const provider = drilldown.templating.list.find((v) => v.name === 'provider');
    expect(provider).toMatchObject({
      type: 'query',
      query: { query: `label_values(${STREAM_METRICS.lag}, provider)` },
    });
    for (const query of queriesOf('drilldown', drilldown).filter((q) => q.where.startsWith('panel'))) {
      // `$provider` or `${provider}`; not `$provider_workers`, which Grafana reads as another variable.
      const scoped = /\$provider\b|\$\{provider\}/.test(query.expr);
      expect({ where: query.where, scoped }).toEqual({
        where: query.where,
        scoped: true,
      });
    }
  });

  describe('against the running apps', () => {
    let harness: RedisHarness;
    let deepgram: FakeDeepgramServer;
    let assemblyai: FakeAssemblyAIServer;
    const running: { app: string; provider: string; port: number; process: AppProcess }[] = [];

    beforeAll(async () => {
      harness = await RedisHarness.start();
      deepgram = await FakeDeepgramServer.start();
      assemblyai = await FakeAssemblyAIServer.start();
      for (const { app, provider, env } of APPS) {
        const port = await freePort();
        const appEnv = env({
          redisUrl: harness.url,
          deepgramUrl: deepgram.url,
          assemblyaiUrl: assemblyai.url,
          port,
        });
        running.push({ app, provider, port, process: await AppProcess.start(app, appEnv) });
      }
    }, 120_000);
    afterAll(async () => {
      for (const { process } of running) await process.stop();
      await deepgram?.close();
      await assemblyai?.close();
      await harness?.close();
    });

    const scrapeAll = () =>
      Promise.all(
        running.map(async ({ app, provider, port }) => ({
          app,
          provider,
          metrics: parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()),
        })),
      );

    it('export every metric that a dashboard panel, a dashboard variable or an alerting rule queries', async () => {
      const scrapes = await scrapeAll();
      const families = new Map(scrapes.flatMap(({ metrics }) => [...metrics.families]));
      const missing = queries.flatMap((query) =>
        metricNamesIn(query.expr)
          .filter((name) => !familyExporting(name, families))
          .map((name) => `${name} (${query.dashboard}, ${query.where})`),
      );
      expect(missing).toEqual([]);
      // The parser found names at all: an empty list above must not come from parsing nothing.
      expect(new Set(queries.flatMap((q) => metricNamesIn(q.expr))).size).toBeGreaterThan(20);
    });

    it("carry the lag collector's series for the running fleet, so the lag panels are not empty", async () => {
      for (const { app, provider, metrics } of await scrapeAll()) {
        expect({ app, lag: sampleValue(metrics, STREAM_METRICS.lag, { provider }) }).toEqual({ app, lag: 0 });
        expect({ app, live: sampleValue(metrics, STREAM_METRICS.liveConsumers, { provider }) }).toEqual({
          app,
          live: 1,
        });
      }
    });

    it('answer /health/live and /health/ready on every app, with what readiness checked', async () => {
      for (const { app, port } of running) {
        expect({ app, live: (await fetch(`http://127.0.0.1:${port}/health/live`)).status }).toEqual({
          app,
          live: 200,
        });
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
        const body = (await ready.json()) as { status: string; details: Record<string, { status: string }> };
        expect({ app, status: ready.status, redis: body.details['redis']?.status }).toEqual({
          app,
          status: 200,
          redis: 'up',
        });
      }
      const worker = running.find((r) => r.app === 'worker-deepgram');
      const body = (await (await fetch(`http://127.0.0.1:${worker?.port}/health/ready`)).json()) as {
        details: Record<string, { status: string }>;
      };
      expect(body.details['deepgram-api']).toEqual({ status: 'up' });
    });
  });
});
