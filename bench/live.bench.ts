// Live audio latency and cost: the official Deepgram SDK live client (its own process, 100 ms
// frames, real-time pace) straight to the fake Deepgram vs through the router → Redis →
// worker-deepgram → fake Deepgram, in the same run, at 1, 50 and 200 concurrent streams: added
// latency of interim and final results (p50/p95), router and worker CPU per stream, Redis bytes
// per second of audio. `npm run bench:live [-- --concurrency=1,50,200 --utterances=10 --workers=1
// --streams-per-client=25]`; see BENCHMARKS.md.
import './transport/silent-logs';
import { formatLiveBench, runLiveBench } from '../apps/chaos-e2e/src/live/live-bench-run';

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

async function main(): Promise<void> {
  const concurrency = option('concurrency', '1,50,200').split(',').map(Number);
  const report = await runLiveBench({
    concurrency,
    utterances: Number(option('utterances', '10')),
    seed: 20261202,
    workers: Number(option('workers', '1')),
    streamsPerClient: Number(option('streams-per-client', '25')),
    progress: (line) => console.log(`[bench:live] ${line}`),
  });
  console.log(
    `\nlive bench: ${report.audioSecondsPerStream.toFixed(1)} s of audio per stream, latencies in ms from the frame carrying a result's last byte\n${formatLiveBench(report)}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
