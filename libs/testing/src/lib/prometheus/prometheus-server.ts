import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../redis-harness';
import { until } from '../until';
import { MonitoringProcess } from './monitoring-process';

/** One target Prometheus scrapes: `host:port`, under `job`, with extra target labels (`app`). */
export interface ScrapeTarget {
  job: string;
  address: string;
  labels?: Record<string, string>;
}

/** One series of an instant query's answer (`resultType: vector`). */
export interface PromSeries {
  metric: Record<string, string>;
  /** The value as Prometheus writes it: a number, `NaN`, `+Inf`. */
  value: string;
}

/** A scrape target as /api/v1/targets reports it. */
export interface ActiveTarget {
  scrapeUrl: string;
  health: string;
  labels: Record<string, string>;
  /** ISO time of the latest scrape. */
  lastScrape: string;
  lastError: string;
}

/**
 * A real Prometheus server (Debian's `prometheus`; PROMETHEUS_BIN points at another) for tests:
 * a generated configuration in a temporary folder, its TSDB there too, its HTTP API on a free
 * port of 127.0.0.1. Scrapes every second by default so a test waits seconds, not minutes.
 */
export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly dir: string,
    private readonly process: MonitoringProcess,
  ) {}

  static async start(
    targets: ScrapeTarget[],
    options: { scrapeIntervalS?: number; ruleFiles?: string[] } = {},
  ): Promise<PrometheusServer> {
    const interval = `${options.scrapeIntervalS ?? 1}s`;
    const dir = mkdtempSync(join(tmpdir(), 'streamscribe-prometheus-'));
    const jobs = [...new Set(targets.map((t) => t.job))].map((job) => ({
      job_name: job,
      metrics_path: '/metrics',
      // As docker/prometheus/prometheus.yml: the apps' own labels (provider, ...) win a clash.
      honor_labels: true,
      static_configs: targets
        .filter((t) => t.job === job)
        .map((t) => ({ targets: [t.address], labels: t.labels ?? {} })),
    }));
    const config = {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      rule_files: options.ruleFiles ?? [],
      scrape_configs: jobs,
    };
    // JSON is YAML: no serializer needed for the configuration file.
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    const port = await freePort();
    const child = MonitoringProcess.spawn('prometheus', process.env['PROMETHEUS_BIN'] ?? 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, child);
    try {
      await child.waitForHttp(`${server.url}/-/ready`);
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** An instant query (`/api/v1/query`) at the current time; throws on a PromQL error. */
  async query(expr: string): Promise<PromSeries[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    const data = body.data as NonNullable<typeof body.data>;
    if (data.resultType === 'scalar')
      return [{ metric: {}, value: (data.result as unknown as [number, string])[1] }];
    return data.result.map((r) => ({ metric: r.metric, value: r.value[1] }));
  }

  /** The scrape targets, their health (`up`, `down`, `unknown`) and last scrape. */
  async targets(): Promise<ActiveTarget[]> {
    const body = (await (await fetch(`${this.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: ActiveTarget[] };
    };
    return body.data.activeTargets;
  }

  /**
   * Resolves once every target (or each that `which` selects) has been scraped, successfully,
   * `rounds` times after this call began: what a test did before the call is then in the TSDB.
   */
  async waitForScrapes(
    rounds = 1,
    which: (target: ActiveTarget) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      const since = Date.now();
      await until(
        async () => (await this.targets()).filter(which),
        (targets) =>
          targets.length > 0 && targets.every((t) => t.health === 'up' && Date.parse(t.lastScrape) > since),
        timeoutMs,
      );
    }
  }

  get logs(): string {
    return this.process.logs;
  }

  async close(): Promise<void> {
    await this.process.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
