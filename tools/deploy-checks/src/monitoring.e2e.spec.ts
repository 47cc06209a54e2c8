import { readFileSync } from 'node:fs';
import type Redis from 'ioredis';
import { KeyScheme, providerGroup } from '@streamscribe/contracts';
import { STREAM_METRICS } from '@streamscribe/observability';
import { until } from '@streamscribe/testing';
import { substituteVariables } from './dashboard-variables';
import { loadDashboards, queriesOf } from './grafana-dashboards';
import { kedaRedisStreamsMetric, kedaTriggerOf, xinfoGroups } from './keda-redis-streams';
import { MonitoringStack } from './monitoring-stack';

// Real processes (Redis, router, two workers, redis_exporter, Prometheus) on a shared 2-core
// machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/**
 * What Grafana would put in the dashboards' variables: the provider the drill-down shows, and
 * rate/range windows that span this test's traffic (as a dashboard whose time range covers it).
 */
const VARIABLES = { provider: 'deepgram', __rate_interval: '5m', __range: '5m' };

/**
 * Panel queries allowed to return no series in this test, with why. Keep it short: every other
 * panel must show data once the fabric has had traffic.
 */
const MAY_BE_EMPTY: Record<string, string> = {};

const DEEPGRAM_STREAM = new KeyScheme().providerStream('deepgram');
const DEEPGRAM_GROUP = providerGroup('deepgram');
const BACKLOG = 24;

describe('monitoring on real parts: Prometheus and redis_exporter scraping the running fabric', () => {
  let stack: MonitoringStack;

  beforeAll(async () => {
    stack = await MonitoringStack.start();
  }, 420_000);
  afterAll(() => stack?.close());

  it('Prometheus scrapes the router, both workers (with their `app` label) and redis_exporter', async () => {
    await stack.prometheus.waitForScrapes(1);
    const targets = await stack.prometheus.targets();
    expect(targets.map((t) => `${t.labels['job']}/${t.labels['app'] ?? '-'} ${t.health}`).sort()).toEqual([
      'redis/- up',
      'streamscribe/router up',
      'streamscribe/worker-assemblyai up',
      'streamscribe/worker-deepgram up',
    ]);
  });

  it('traffic: chunks transcribed, retried, failed over both ways, dead-lettered, and a refused request', async () => {
    for (let i = 0; i < 6; i++) expect(await stack.postChunk(`ok-${i}`, 'provider=deepgram')).toBe(202);
    expect(await stack.postChunk('ok-aai', 'provider=assemblyai')).toBe(202);
    // Each scenario settles before the next injects failures, so a failure lands where it is meant.
    for (const session of ['ok-0', 'ok-1', 'ok-2', 'ok-3', 'ok-4', 'ok-5', 'ok-aai'])
      expect(await stack.settled(session)).toMatchObject({ failedCount: 0, resultCount: 1 });
    // Deepgram fails twice with a retryable 503: one retry, then the chunk moves to AssemblyAI.
    stack.deepgram.failNext(2, { status: 503 });
    expect(await stack.postChunk('to-aai', 'provider=deepgram&fallback=assemblyai')).toBe(202);
    expect(await stack.settled('to-aai')).toMatchObject({ failedCount: 0, resultCount: 1 });
    // Both refuse permanently (400): AssemblyAI hands the chunk to Deepgram at once, and Deepgram,
    // last of the chain, dead-letters it.
    stack.assemblyai.failNext(1, { status: 400 });
    stack.deepgram.failNext(1, { status: 400 });
    expect(await stack.postChunk('dead', 'provider=assemblyai&fallback=deepgram')).toBe(202);
    expect(await stack.settled('dead')).toMatchObject({ failedCount: 1 });
    expect(await stack.redis.xlen('transcription:dead-letters')).toBe(1);
    expect(await stack.postChunk('refused', 'provider=deepgram&fallback=otter')).toBe(400);
  });

  it(`with a known backlog (${BACKLOG} chunks, the worker frozen) KEDA's lag, the dashboard's lag and XINFO GROUPS agree`, async () => {
    const worker = stack.workers.get('worker-deepgram')?.process;
    if (!worker) throw new Error('no worker-deepgram');
    const drained = () =>
      until(
        () => xinfoGroups(stack.redis, DEEPGRAM_STREAM),
        (groups) => groups.every((g) => g['lag'] === 0 && g['pending'] === 0),
        30_000,
      );
    await drained();
    const consumers = (
      (await stack.redis.xinfo('CONSUMERS', DEEPGRAM_STREAM, DEEPGRAM_GROUP)) as unknown[][]
    ).map((fields) => String(fields[fields.indexOf('name') + 1]));
    expect((await readersOf(stack.redis, consumers)).length).toBeGreaterThan(0);
    // Frozen, not stopped: its heartbeat stays fresh for CONSUMER_LIVENESS_MS, so the router keeps
    // routing to Deepgram meanwhile, and nothing reads the stream.
    process.kill(worker.pid as number, 'SIGSTOP');
    try {
      // A read the worker had blocked in Redis when it froze would still be served by the first
      // chunk posted (that chunk pending on the frozen worker, not lag): wait until the process is
      // stopped and its blocked reads have timed out (WORKER_BLOCK_MS), so nothing reads any more.
      await until(
        async () => processState(worker.pid as number),
        (state) => state === 'T',
        5_000,
      );
      await until(
        async () => (await readersOf(stack.redis, consumers)).filter((reader) => reader.blocked),
        (blocked) => blocked.length === 0,
        10_000,
      );
      const posted = await Promise.all(
        Array.from({ length: BACKLOG }, (_, i) => stack.postChunk(`backlog-${i % 4}`, 'provider=deepgram')),
      );
      expect(posted).toEqual(Array(BACKLOG).fill(202));
      // A consumer that took two entries and died (as a SIGKILLed worker leaves them): pending, not lag.
      await stack.redis.xreadgroup(
        'GROUP',
        DEEPGRAM_GROUP,
        'departed-worker',
        'COUNT',
        2,
        'STREAMS',
        DEEPGRAM_STREAM,
        '>',
      );
      await stack.prometheus.waitForScrapes(2, (t) => t.labels['app'] !== 'worker-deepgram');

      const [group] = (await xinfoGroups(stack.redis, DEEPGRAM_STREAM)).filter(
        (g) => g['name'] === DEEPGRAM_GROUP,
      );
      expect({ lag: group['lag'], pending: group['pending'] }).toEqual({ lag: BACKLOG - 2, pending: 2 });
      const trigger = kedaTriggerOf('worker-deepgram');
      // The manifest's trigger names the stream and group the apps use, and scales on lag.
      expect(trigger).toMatchObject({
        stream: DEEPGRAM_STREAM,
        consumerGroup: DEEPGRAM_GROUP,
        lagCount: '16',
      });
      const onDashboard = async (expr: string) =>
        Number(
          (await stack.prometheus.query(expr)).find(
            (s) => (s.metric['provider'] ?? 'deepgram') === 'deepgram',
          )?.value,
        );
      expect({
        keda: await kedaRedisStreamsMetric(stack.redis, trigger),
        fleetPanel: await onDashboard(queryOf('fleet-overview.json', 'Lag per provider')),
        drilldownPanel: await onDashboard(
          queryOf('provider-drilldown.json', 'Lag and pending', STREAM_METRICS.lag),
        ),
      }).toEqual({ keda: BACKLOG - 2, fleetPanel: BACKLOG - 2, drilldownPanel: BACKLOG - 2 });
      // redis_exporter (Debian's 1.45 has no lag series) agrees on the length and the pending count.
      const exported = async (metric: string) =>
        Number((await stack.prometheus.query(`${metric}{stream="${DEEPGRAM_STREAM}"}`))[0]?.value);
      expect({
        length: await exported('redis_stream_length'),
        pending: await exported('redis_stream_group_messages_pending'),
      }).toEqual({ length: await stack.redis.xlen(DEEPGRAM_STREAM), pending: 2 });

      // One of the departed consumer's entries is deleted meanwhile: a ghost the reclaim drops.
      const held = (await stack.redis.xpending(
        DEEPGRAM_STREAM,
        DEEPGRAM_GROUP,
        '-',
        '+',
        10,
        'departed-worker',
      )) as [string][];
      expect(held).toHaveLength(2);
      expect(await stack.redis.xdel(DEEPGRAM_STREAM, held[0][0])).toBe(1);
    } finally {
      process.kill(worker.pid as number, 'SIGCONT');
    }
    // Thawed, the worker drains the backlog and reclaims the departed consumer's live entry.
    await drained();
  });

  it('every Grafana panel query returns series from Prometheus, with values', async () => {
    await stack.prometheus.waitForScrapes(2);
    const report: string[] = [];
    const empty: string[] = [];
    for (const [file, dashboard] of loadDashboards()) {
      for (const query of queriesOf(file, dashboard).filter((q) => q.where.startsWith('panel'))) {
        const name = `${file} ${query.where}`;
        let expr: string;
        try {
          expr = substituteVariables(query.expr, VARIABLES);
        } catch (error) {
          empty.push(`${name}: ${(error as Error).message}`);
          continue;
        }
        const series = await stack.prometheus.query(expr);
        const withValues = series.filter((s) => !Number.isNaN(Number(s.value)));
        report.push(`${withValues.length > 0 ? 'ok   ' : 'EMPTY'} ${series.length} series  ${name}`);
        if (withValues.length === 0 && !(name in MAY_BE_EMPTY)) empty.push(`${name}: ${expr}`);
      }
    }
    expect(empty).toEqual([]);
    expect(report.length).toBeGreaterThan(40);
    // An exception for a panel that no longer exists would hide a new one of the same name later.
    expect(Object.keys(MAY_BE_EMPTY).filter((name) => !report.some((line) => line.endsWith(name)))).toEqual(
      [],
    );
  });

  it('the drill-down $provider variable lists the providers with a lag series', async () => {
    const response = await fetch(
      `${stack.prometheus.url}/api/v1/label/provider/values?match[]=${STREAM_METRICS.lag}`,
    );
    const { data } = (await response.json()) as { data: string[] };
    expect(data).toEqual(expect.arrayContaining(['assemblyai', 'deepgram']));
  });
});

/** The read connections (GroupReader names them `<consumer>:reader`) of these consumers, per CLIENT LIST. */
async function readersOf(redis: Redis, consumers: string[]): Promise<{ name: string; blocked: boolean }[]> {
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(
      (line) =>
        new Map(
          line
            .split(' ')
            .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
        ),
    )
    .filter((client) => consumers.some((consumer) => client.get('name') === `${consumer}:reader`))
    .map((client) => ({
      name: client.get('name') ?? '',
      blocked: (client.get('flags') ?? '').includes('b'),
    }));
}

/** A process's state letter from /proc (`T` once SIGSTOP has stopped it). */
function processState(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
}

/** The expression of a panel's target (the one selecting `metric` when the panel has several). */
function queryOf(file: string, title: string, metric?: string): string {
  const dashboard = loadDashboards().get(file);
  const query = dashboard
    ? queriesOf(file, dashboard).find(
        (q) => q.where.startsWith(`panel "${title}`) && (!metric || q.expr.includes(metric)),
      )
    : undefined;
  if (!query) throw new Error(`${file}: no panel "${title}"`);
  return substituteVariables(query.expr, VARIABLES);
}
