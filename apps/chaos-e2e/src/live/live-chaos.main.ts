/**
 * `npm run chaos:live` — the full live chaos run: a 60-utterance conversation (about four minutes
 * of audio) at real-time pace in 100 ms frames through the official Deepgram SDK live client into
 * the router; the worker owning the session is SIGKILLed mid-utterance twice, the fake Deepgram
 * drops the socket mid-utterance (failover to AssemblyAI), then the AssemblyAI worker is
 * SIGKILLed too. Prints the verdict and each failover gap; exits 1 unless every script word came
 * in the finals exactly once, in order, on time. Options: --utterances N --seed N --lease-ms MS.
 */
import { formatLiveChaosReport, runLiveChaos } from './live-chaos-run';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const utterances = flag('utterances', 60);
  const at = (share: number) => Math.floor(utterances * share);
  const report = await runLiveChaos({
    utterances,
    seed: flag('seed', 20261202),
    faults: [
      { fault: 'kill-worker', utterance: at(0.15) },
      { fault: 'kill-worker', utterance: at(0.35) },
      { fault: 'drop-provider', utterance: at(0.55) },
      { fault: 'kill-worker', utterance: at(0.75) },
    ],
    toleranceMs: 100,
    leaseMs: flag('lease-ms', 1000),
    deepgramWorkers: 2,
    assemblyaiWorkers: 2,
    progress: (line) => console.log(`[chaos:live] ${line}`),
  });
  console.log(`\nlive chaos: ${utterances} utterances\n${formatLiveChaosReport(report)}`);
  const clean =
    report.verdict.problems.length === 0 &&
    report.clientErrors.length === 0 &&
    report.closeCode === 1000 &&
    report.faults.every((f) => f.gap !== undefined);
  process.exitCode = clean ? 0 : 1;
}

void main();
