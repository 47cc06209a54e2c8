import type Redis from 'ioredis';
import {
  FailoverGap,
  LiveClientProcess,
  LiveClientResult,
  LiveFinalsVerdict,
  Percentiles,
  ScriptedUtterance,
  TEST_ADMIN_API_KEY,
  failoverGap,
  judgeLiveFinals,
  liveClientNow,
  liveConversation,
  percentiles,
  spokenScript,
  logRecords,
} from '@streamscribe/testing';
import { LiveStack } from './live-stack';

/** A fault the run injects in the middle of one utterance. */
export type LiveFault =
  /** SIGKILL the worker process that holds the session's lease (it is restarted; a peer takes over). */
  | 'kill-worker'
  /** The fake Deepgram, serving the session, drops its socket (no close frame). */
  | 'drop-provider';

export interface LiveChaosOptions {
  /** Utterances of the scripted conversation. */
  utterances: number;
  seed: number;
  /** Faults, each in the middle of the utterance it names (0-based), in order. */
  faults: Array<{ fault: LiveFault; utterance: number }>;
  /** How far a final word's start and end may be from the script's. */
  toleranceMs: number;
  leaseMs: number;
  /** The provider the session starts on. @defaultValue deepgram */
  provider?: 'deepgram' | 'assemblyai';
  /** Where it goes when that provider fails. @defaultValue assemblyai */
  fallback?: 'deepgram' | 'assemblyai';
  deepgramWorkers: number;
  assemblyaiWorkers: number;
  progress?: (line: string) => void;
}

export interface InjectedLiveFault {
  fault: LiveFault;
  utterance: number;
  /** Epoch ms (the client's clock) it was injected. */
  at: number;
  /** What was hit: a worker's consumer name, or a provider. */
  target: string;
  /** Ms from the fault to the client's `Failover` message (the router reassigned the session). */
  failoverNoticeMs?: number;
  gap?: FailoverGap;
}

export interface LiveChaosReport {
  verdict: LiveFinalsVerdict;
  faults: InjectedLiveFault[];
  /** Latency of the finals before the first fault (ms from the frame with their last byte). */
  normalFinal: Percentiles;
  /** `Failover` messages the client got: from, to, reason. */
  failovers: Array<{ from: string; to: string; reason: string }>;
  /** Providers (with epochs) the finals came from, in order of first appearance. */
  servedBy: string[];
  /**
   * The router's own account of each reassignment (its log: time, from -> to, code, epoch): where
   * to look first when a failover is not one of the faults'.
   */
  reassignments: string[];
  closeCode?: number;
  clientErrors: string[];
  audioSeconds: number;
  seconds: number;
}

const FRAME_MS = 100;
const WORD_MS = 300;
const WORD_GAP_MS = 60;

/**
 * The live chaos run (issue 13 "Must show"): a scripted conversation streamed at real-time pace
 * in 100 ms frames by the official Deepgram SDK live client (its own process) into the router,
 * through worker-deepgram processes to the fake Deepgram, with AssemblyAI as the fallback. In
 * the middle of utterances the worker that owns the session is SIGKILLed and the fake provider
 * drops the socket; the client must get every word of the script in its finals exactly once, in
 * order, at the script's times, over one socket that never closes before CloseStream.
 */
export async function runLiveChaos(options: LiveChaosOptions): Promise<LiveChaosReport> {
  const say = options.progress ?? (() => undefined);
  const started = Date.now();
  const utterances = liveConversation(options.utterances, options.seed, {
    wordMs: WORD_MS,
    wordGapMs: WORD_GAP_MS,
  });
  const script = spokenScript(utterances, { wordMs: WORD_MS, wordGapMs: WORD_GAP_MS });
  const stack = await LiveStack.start({
    deepgramWorkers: options.deepgramWorkers,
    assemblyaiWorkers: options.assemblyaiWorkers,
    leaseMs: options.leaseMs,
  });
  const redis = stack.harness.client();
  const provider = options.provider ?? 'deepgram';
  let client: LiveClientProcess | undefined;
  try {
    say(`stack up: router ${stack.routerUrl}, ${stack.fleet.ready} workers; ${utterances.length} utterances`);
    client = LiveClientProcess.start({
      url: stack.routerUrl,
      apiKey: TEST_ADMIN_API_KEY,
      query: {
        // A bare Deepgram model name means Deepgram; model=auto lets provider= choose.
        model: provider === 'deepgram' ? 'nova-3' : 'auto',
        provider,
        fallback: options.fallback ?? 'assemblyai',
        encoding: 'linear16',
        sample_rate: String(script.sampleRate),
        channels: '1',
        interim_results: 'true',
        endpointing: '300',
      },
      streams: 1,
      script: { utterances, options: { wordMs: WORD_MS, wordGapMs: WORD_GAP_MS } },
      sampleRate: script.sampleRate,
      frameMs: FRAME_MS,
      pace: 1,
      reportFrames: true,
      closeTimeoutMs: 60_000,
    });
    const faults: InjectedLiveFault[] = [];
    for (const { fault, utterance } of options.faults) {
      const mid = middleOf(utterances[utterance]);
      await client.waitFor((l) => l.ev === 'frame' && l.audioMs >= mid, mid + 60_000);
      const at = liveClientNow();
      const target = await inject(stack, redis, fault);
      faults.push({ fault, utterance, at, target });
      say(
        `${fault} (${target}) in the middle of utterance ${utterance} at ${(mid / 1000).toFixed(1)} s of audio`,
      );
    }
    const audioSeconds = script.pcm.length / 2 / script.sampleRate;
    await client.finished(audioSeconds * 1000 + 120_000);
    const results = client.results(0);
    const firstFault = faults[0]?.at ?? Infinity;
    const normalFinal = percentiles(finalLatencies(results.filter((r) => r.t < firstFault)));
    for (const f of faults) {
      f.gap = failoverGap(results, f.at, normalFinal.p50);
      const notice = client.lines.find((l) => l.ev === 'message' && l.type === 'Failover' && l.t > f.at);
      f.failoverNoticeMs = notice ? notice.t - f.at : undefined;
    }
    const close = client.lines.find((l) => l.ev === 'close');
    return {
      verdict: judgeLiveFinals(script.words, results, options.toleranceMs),
      faults,
      normalFinal,
      failovers: client.lines.flatMap((l) =>
        l.ev === 'message' && l.type === 'Failover'
          ? [{ from: String(l.raw['from']), to: String(l.raw['to']), reason: String(l.raw['reason']) }]
          : [],
      ),
      servedBy: servedBy(results),
      reassignments: reassignmentsLogged(stack.router.logs),
      closeCode: close?.ev === 'close' ? close.code : undefined,
      clientErrors: client.lines.flatMap((l) => (l.ev === 'error' ? [l.message] : [])),
      audioSeconds,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await client?.stop();
    redis.disconnect();
    await stack.stop();
  }
}

function middleOf(utterance: ScriptedUtterance): number {
  return utterance.startMs + (utterance.words.length * (WORD_MS + WORD_GAP_MS) - WORD_GAP_MS) / 2;
}

function reassignmentsLogged(routerLogs: string): string[] {
  type Logged = { time: string; from: string; to: string; code: string; epoch: number };
  return logRecords<Logged>(routerLogs, 'live session reassigned').map(
    (entry) => `${entry.time} ${entry.from}->${entry.to} (${entry.code}) epoch ${entry.epoch}`,
  );
}

function finalLatencies(results: readonly LiveClientResult[]): number[] {
  return results.flatMap((r) =>
    r.isFinal && r.words.length && r.latencyMs !== undefined ? [r.latencyMs] : [],
  );
}

function servedBy(results: readonly LiveClientResult[]): string[] {
  const seen: string[] = [];
  for (const r of results) {
    const tag = r.streamscribe
      ? `${String(r.streamscribe['provider'])}#${String(r.streamscribe['epoch'])}`
      : '?';
    if (!seen.includes(tag)) seen.push(tag);
  }
  return seen;
}

/** The live session's lease value (`<worker> <epoch>`); the run streams one session. */
async function leaseHolder(redis: Redis): Promise<string | undefined> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'streamscribe:live:*:lease', 'COUNT', 1000);
    cursor = next;
    if (keys.length) return (await redis.get(keys[0])) ?? undefined;
  } while (cursor !== '0');
  return undefined;
}

async function inject(stack: LiveStack, redis: Redis, fault: LiveFault): Promise<string> {
  const holder = await leaseHolder(redis);
  if (!holder) throw new Error('no worker holds the live session now');
  const worker = holder.split(' ')[0];
  if (fault === 'kill-worker') {
    const killed = await stack.fleet.killWhere(
      (spec, process) => spec.env['CONSUMER_NAME'] === worker || worker.endsWith(`-${process.pid}`),
    );
    if (!killed) throw new Error(`lease holder ${worker} is none of the fleet's workers`);
    return worker;
  }
  // The fake AssemblyAI fails streaming connections only as scripted before they open.
  if (!worker.startsWith('deepgram')) throw new Error(`drop-provider needs Deepgram serving, not ${worker}`);
  const dropped = stack.dropDeepgramLiveSockets();
  if (dropped !== 1) throw new Error(`expected one open Deepgram live socket, dropped ${dropped}`);
  return 'deepgram';
}

export function formatLiveChaosReport(report: LiveChaosReport): string {
  const v = report.verdict;
  const lines = [
    `script words ${v.expected}, in finals once ${v.matched}, missing ${v.missing.length}, duplicated ${v.duplicated.length}, unexpected ${v.unexpected.length}, out of order ${v.outOfOrder.length}, off time ${v.offTime.length} (max start error ${v.maxStartErrorMs.toFixed(0)} ms)`,
    `normal final latency p50 ${report.normalFinal.p50.toFixed(0)} ms, p95 ${report.normalFinal.p95.toFixed(0)} ms (${report.normalFinal.count} finals before the first fault)`,
  ];
  for (const f of report.faults) {
    const gap = f.gap
      ? `failover gap ${f.gap.gapMs.toFixed(0)} ms to the first final after it ("${f.gap.firstFinal}"), ${f.gap.excessMs.toFixed(0)} ms beyond normal final latency`
      : 'no final after it';
    const notice =
      f.failoverNoticeMs === undefined
        ? 'no Failover message'
        : `Failover message after ${f.failoverNoticeMs.toFixed(0)} ms`;
    lines.push(`${f.fault} (${f.target}) mid utterance ${f.utterance}: ${notice}; ${gap}`);
  }
  lines.push(
    `failovers: ${report.failovers.map((f) => `${f.from}->${f.to} (${f.reason})`).join(', ') || 'none'}`,
    `served by: ${report.servedBy.join(' -> ')}; socket closed with ${report.closeCode ?? 'nothing'}`,
    `router reassignments: ${report.reassignments.join(', ') || 'none'}`,
    `${report.audioSeconds.toFixed(1)} s of audio, run took ${report.seconds.toFixed(1)} s`,
  );
  if (report.clientErrors.length) lines.push(`client errors: ${report.clientErrors.join('; ')}`);
  if (v.problems.length) lines.push(`PROBLEMS:\n${v.problems.join('\n')}`);
  return lines.join('\n');
}
