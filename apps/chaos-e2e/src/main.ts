/**
 * `npm run chaos` — the full chaos run: 2,000 chunks through 3 worker processes (2 Deepgram, 1
 * AssemblyAI as the fallback) while a random worker is SIGKILLed every few hundred ms and
 * restarted, the fake Deepgram fails 20% of calls (5xx, 429 with Retry-After, resets, hangs, 400,
 * 401) with random latency and the fake AssemblyAI 10%, and redis-server is killed once and
 * restarted from its AOF (appendfsync always). Prints the counts; exits 1 when any must-be-zero
 * count is not zero. Options: --chunks N --workers N --fallback-workers N --seed N --min-idle MS
 * --batch N (post through the batched ingest, N chunks of a session per request; 0: one per request).
 */
import { formatChaosReport, runChaos } from './chaos-run';
import { chaosExitCode } from './chaos-verdict';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const chunks = flag('chunks', 2000);
  const report = await runChaos({
    chunks,
    sessions: 20,
    workers: flag('workers', 2),
    fallbackWorkers: flag('fallback-workers', 1),
    killEveryMs: [200, 600],
    failureRate: 0.2,
    redisKillAt: 0.4,
    reclaimMinIdleMs: flag('min-idle', 1000),
    ingestConcurrency: 8,
    ingestBatch: flag('batch', 0) || undefined,
    settleTimeoutMs: 600_000,
    seed: flag('seed', 20261125),
    progress: (line) => console.log(`[chaos] ${line}`),
  });
  console.log(`\nchaos: ${chunks} chunks\n${formatChaosReport(report)}`);
  process.exitCode = chaosExitCode(report.verdict);
}

void main();
