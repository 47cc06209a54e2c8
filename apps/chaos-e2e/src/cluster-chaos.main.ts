/**
 * `npm run chaos:cluster` — the chaos run on a 3-primary, 3-replica Redis Cluster: 2,000 chunks
 * through 3 worker processes (2 Deepgram, 1 AssemblyAI as the fallback) while a random worker is
 * SIGKILLed every few hundred ms and providers fail 20% / 10% of calls, and once 40% of the chunks
 * are in, the primary serving the busiest partition is SIGKILLed and its replica promoted. Prints
 * the chaos table; exits 1 when any must-be-zero count is not zero. Options: --chunks N
 * --partitions N --workers N --fallback-workers N --seed N --min-idle MS --kill-every MIN,MAX (ms)
 * --durability async|replica
 * (default: REDIS_DURABILITY from the environment, else the router's default).
 */
import { formatClusterChaosReport, runClusterChaos } from './cluster-chaos-run';
import { chaosExitCode } from './chaos-verdict';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}
const flag = (name: string, fallback: number) => Number(option(name) ?? fallback);

async function main(): Promise<void> {
  const chunks = flag('chunks', 2000);
  const report = await runClusterChaos({
    chunks,
    sessions: 20,
    partitions: flag('partitions', 1),
    workers: flag('workers', 2),
    fallbackWorkers: flag('fallback-workers', 1),
    killEveryMs: (option('kill-every') ?? '200,600').split(',').map(Number) as [number, number],
    failureRate: 0.2,
    primaryKillAt: 0.4,
    reclaimMinIdleMs: flag('min-idle', 1000),
    ingestConcurrency: 8,
    settleTimeoutMs: 600_000,
    seed: flag('seed', 20261202),
    durability: option('durability'),
    progress: (line) => console.log(`[chaos:cluster] ${line}`),
  });
  console.log(`\nchaos on Redis Cluster: ${chunks} chunks\n${formatClusterChaosReport(report)}`);
  process.exitCode = chaosExitCode(report.verdict);
}

void main();
