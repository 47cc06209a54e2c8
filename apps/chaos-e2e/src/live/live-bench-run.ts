import {
  LiveClientConfig,
  LiveClientProcess,
  Percentiles,
  TEST_ADMIN_API_KEY,
  judgeLiveFinals,
  liveConversation,
  percentiles,
  spokenScript,
} from '@streamscribe/testing';
import { LiveStack, processCpuSeconds } from './live-stack';

export interface LiveBenchOptions {
  /** Concurrent streams per measurement, e.g. [1, 50, 200]. */
  concurrency: number[];
  /** Utterances each stream speaks. */
  utterances: number;
  seed: number;
  /** Live worker-deepgram processes behind the router. */
  workers: number;
  /** Streams per client process. */
  streamsPerClient: number;
  progress?: (line: string) => void;
}

/** One path (the fake Deepgram directly, or through the router) at one concurrency. */
export interface LivePathMeasure {
  streams: number;
  interim: Percentiles;
  final: Percentiles;
  /** Streams whose finals held every script word exactly once, in order, on time. */
  streamsClean: number;
  /** Streams that ended with anything but close 1000 after CloseStream, or with a client error. */
  streamsFailed: number;
  /** Why streams failed or were not clean: close codes and reasons, client errors, verdict lines, counted. */
  failures: Record<string, number>;
}

export interface LiveBenchRow {
  streams: number;
  direct: LivePathMeasure;
  routed: LivePathMeasure;
  /** Router and worker CPU seconds per second of audio per stream (1.0 = one core per stream). */
  routerCpuPerStream: number;
  workerCpuPerStream: number;
  /** Redis bytes read and written per second of audio (all streams together), during the routed run. */
  redisInPerAudioSecond: number;
  redisOutPerAudioSecond: number;
}

export interface LiveBenchReport {
  rows: LiveBenchRow[];
  audioSecondsPerStream: number;
}

const FRAME_MS = 100;

/**
 * The live benchmark: the same client process (the official Deepgram SDK live client, 100 ms frames,
 * real-time pace) against the fake Deepgram directly and through the router → Redis →
 * worker-deepgram → fake Deepgram path, in the same run, at each concurrency. Latency is measured
 * in the client from sending the frame that carried a result's last byte to receiving the result,
 * so the router's added latency is the difference between the two paths.
 */
export async function runLiveBench(options: LiveBenchOptions): Promise<LiveBenchReport> {
  const say = options.progress ?? (() => undefined);
  const utterances = liveConversation(options.utterances, options.seed);
  const script = spokenScript(utterances);
  const audioSecondsPerStream = script.pcm.length / 2 / script.sampleRate;
  const stack = await LiveStack.start({
    deepgramWorkers: options.workers,
    assemblyaiWorkers: 0,
    leaseMs: 5000,
  });
  try {
    const config = (url: string, apiKey: string, streams: number): LiveClientConfig => ({
      url,
      apiKey,
      query: {
        model: 'nova-3',
        encoding: 'linear16',
        sample_rate: String(script.sampleRate),
        channels: '1',
        interim_results: 'true',
        endpointing: '300',
      },
      streams,
      script: { utterances },
      sampleRate: script.sampleRate,
      frameMs: FRAME_MS,
      pace: 1,
      closeTimeoutMs: 60_000,
    });
    // The streams are spread over client processes (one event loop cannot pace hundreds of
    // sockets' 100 ms frames), each with its own share.
    const measure = async (url: string, apiKey: string, streams: number): Promise<LivePathMeasure> => {
      const shares = Array.from({ length: Math.ceil(streams / options.streamsPerClient) }, (_, i) =>
        Math.min(options.streamsPerClient, streams - i * options.streamsPerClient),
      );
      const clients = shares.map((share) => LiveClientProcess.start(config(url, apiKey, share)));
      await Promise.all(clients.map((client) => client.finished(audioSecondsPerStream * 1000 + 120_000)));
      const interim: number[] = [];
      const final: number[] = [];
      let streamsClean = 0;
      let streamsFailed = 0;
      const failures: Record<string, number> = {};
      const tally = (why: string) => (failures[why] = (failures[why] ?? 0) + 1);
      clients.forEach((client, c) => {
        for (let s = 0; s < shares[c]; s++) {
          const results = client.results(s);
          for (const r of results) {
            if (!r.words.length || r.latencyMs === undefined) continue;
            (r.isFinal ? final : interim).push(r.latencyMs);
          }
          const problems = judgeLiveFinals(script.words, results, 100).problems;
          if (problems.length === 0) streamsClean += 1;
          else tally(`finals: ${problems[0].replace(/:.*/, '')}`);
          const close = client.lines.find((l) => l.s === s && l.ev === 'close');
          const errors = client.lines.flatMap((l) => (l.s === s && l.ev === 'error' ? [l.message] : []));
          errors.forEach((message) => tally(`client error: ${message}`));
          if (close?.ev === 'close' && close.code !== 1000) tally(`close ${close.code}: ${close.reason}`);
          if (errors.length || close?.ev !== 'close' || close.code !== 1000) streamsFailed += 1;
        }
      });
      return {
        streams,
        interim: percentiles(interim),
        final: percentiles(final),
        streamsClean,
        streamsFailed,
        failures,
      };
    };

    const rows: LiveBenchRow[] = [];
    for (const streams of options.concurrency) {
      say(`${streams} stream(s): straight to the fake Deepgram`);
      const direct = await measure(stack.deepgram.url, stack.deepgram.apiKey, streams);
      say(`${streams} stream(s): through the router`);
      const workers = stack.fleet.running().map((w) => w.process.pid);
      const cpu = () => ({
        router: processCpuSeconds(stack.router.pid),
        worker: workers.reduce<number>((sum, pid) => sum + processCpuSeconds(pid), 0),
      });
      const cpuBefore = cpu();
      const netBefore = await stack.redisNetBytes();
      const routed = await measure(stack.routerUrl, TEST_ADMIN_API_KEY, streams);
      const cpuAfter = cpu();
      const netAfter = await stack.redisNetBytes();
      const streamSeconds = streams * audioSecondsPerStream;
      rows.push({
        streams,
        direct,
        routed,
        routerCpuPerStream: (cpuAfter.router - cpuBefore.router) / streamSeconds,
        workerCpuPerStream: (cpuAfter.worker - cpuBefore.worker) / streamSeconds,
        redisInPerAudioSecond: (netAfter.input - netBefore.input) / streamSeconds,
        redisOutPerAudioSecond: (netAfter.output - netBefore.output) / streamSeconds,
      });
    }
    return { rows, audioSecondsPerStream };
  } finally {
    await stack.stop();
  }
}

const ms = (value: number) => value.toFixed(0);

/** The report as a table: latencies (ms) direct and routed, the router's added latency, costs. */
export function formatLiveBench(report: LiveBenchReport): string {
  const header = [
    'streams',
    'interim p50/p95 direct',
    'routed',
    'added',
    'final p50/p95 direct',
    'routed',
    'added',
    'CPU/stream router',
    'worker',
    'Redis B/audio-s in',
    'out',
    'clean streams',
  ];
  const rows = report.rows.map((r) => [
    String(r.streams),
    `${ms(r.direct.interim.p50)}/${ms(r.direct.interim.p95)}`,
    `${ms(r.routed.interim.p50)}/${ms(r.routed.interim.p95)}`,
    `${ms(r.routed.interim.p50 - r.direct.interim.p50)}/${ms(r.routed.interim.p95 - r.direct.interim.p95)}`,
    `${ms(r.direct.final.p50)}/${ms(r.direct.final.p95)}`,
    `${ms(r.routed.final.p50)}/${ms(r.routed.final.p95)}`,
    `${ms(r.routed.final.p50 - r.direct.final.p50)}/${ms(r.routed.final.p95 - r.direct.final.p95)}`,
    `${(r.routerCpuPerStream * 100).toFixed(2)}%`,
    `${(r.workerCpuPerStream * 100).toFixed(2)}%`,
    r.redisInPerAudioSecond.toFixed(0),
    r.redisOutPerAudioSecond.toFixed(0),
    `${r.direct.streamsClean}+${r.routed.streamsClean}/${2 * r.streams}`,
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padStart(widths[c])).join('  ');
  const failures = report.rows.flatMap((r) =>
    (['direct', 'routed'] as const).flatMap((path) =>
      Object.entries(r[path].failures).map(([why, n]) => `${r.streams} streams, ${path}: ${n} × ${why}`),
    ),
  );
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    ...(failures.length ? ['', 'streams not clean:', ...failures] : []),
  ].join('\n');
}
