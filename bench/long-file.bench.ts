// Throughput of POST /v1/transcriptions for a 10-minute file (espeak-ng speech with pauses),
// cut at pauses (Silero VAD in the router's streaming split) against fixed 30 s cuts, in the
// same run, on the same router: the VAD's cost. A request is timed from its first byte to the
// router's 202 (the file read, cut and every chunk queued); an instant worker drains the stream.
// `npm run bench:long-file [-- --reps=5]`; see BENCHMARKS.md.
import './transport/silent-logs';
import { createServer } from 'node:net';
import { encodeWav } from '@streamscribe/audio';
import {
  AppProcess,
  KEYED,
  RedisHarness,
  TEST_ADMIN_API_KEY,
  espeakRecording,
  utterancePlan,
} from '@streamscribe/testing';
import { formatTable, median } from './transport/summary';

const BENCH_TIMEOUT_MS = 20 * 60_000;
const FILE_MS = 600_000;
const MODES = ['fixed', 'pauses'] as const;

async function main(reps: number): Promise<void> {
  const recording = espeakRecording(utterancePlan(FILE_MS, 7), FILE_MS);
  const wav = encodeWav(recording.pcm, { sampleRate: recording.sampleRate, channels: 1 });
  const harness = await RedisHarness.start({ ownServer: !process.env['REDIS_URL'] });
  const processes: AppProcess[] = [];
  try {
    const port = await freePort();
    processes.push(
      await AppProcess.startEntry('instant-worker', 'bench/e2e/instant-worker.main.ts', {
        REDIS_URL: harness.url,
        WORKER_CONCURRENCY: '16',
        WORKER_BLOCK_MS: '100',
        PORT: '0',
      }),
    );
    processes.push(
      await AppProcess.start('router', {
        REDIS_URL: harness.url,
        PORT: String(port),
        MANAGEMENT_PORT: '0',
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        CHUNK_SECONDS: '30',
        CHUNK_MIN_SECONDS: '20',
      }),
    );
    const post = async (cuts: string, run: number) => {
      const started = performance.now();
      const response = await fetch(
        `http://127.0.0.1:${port}/v1/transcriptions?provider=deepgram&cuts=${cuts}&sessionId=bench-${cuts}-${run}`,
        { method: 'POST', headers: { ...KEYED, 'content-type': 'audio/wav' }, body: wav },
      );
      const body = (await response.json()) as { chunks?: number; message?: string };
      if (response.status !== 202) throw new Error(`${cuts}: ${response.status} ${body.message}`);
      return { seconds: (performance.now() - started) / 1000, chunks: body.chunks ?? 0 };
    };
    // Warm-up (JIT, the VAD model's load), unmeasured.
    for (const cuts of MODES) await post(cuts, -1);
    const results: Record<string, Array<{ seconds: number; chunks: number }>> = { fixed: [], pauses: [] };
    for (let rep = 0; rep < reps; rep++)
      for (const cuts of rep % 2 ? [...MODES].reverse() : MODES) results[cuts].push(await post(cuts, rep));

    const audioSeconds = FILE_MS / 1000;
    const fixed = median(results['fixed'].map((r) => r.seconds));
    const rows = MODES.map((cuts) => {
      const seconds = median(results[cuts].map((r) => r.seconds));
      return [
        cuts,
        String(results[cuts][0].chunks),
        seconds.toFixed(3),
        (audioSeconds / seconds).toFixed(0),
        (fixed / seconds).toFixed(2),
      ];
    });
    const pauses = median(results['pauses'].map((r) => r.seconds));
    console.log(
      `POST /v1/transcriptions, a ${audioSeconds} s WAV (16 kHz mono, ${(wav.length / 1e6).toFixed(1)} MB, ` +
        `${recording.utterances.length} espeak-ng utterances), median of ${reps}, time to 202:`,
    );
    console.log(
      formatTable([['cuts', 'chunks', 'seconds per file', 'audio s per s', 'throughput vs fixed'], ...rows]),
    );
    console.log(
      `VAD cost: ${((pauses - fixed) * 1000).toFixed(0)} ms per file, ` +
        `${(((pauses - fixed) * 1000) / (audioSeconds / 60)).toFixed(1)} ms per audio minute`,
    );
  } finally {
    for (const process of processes.reverse()) await process.stop();
    await harness.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const watchdog = setTimeout(() => {
  console.error(`long-file bench still running after ${BENCH_TIMEOUT_MS / 60_000} min; aborting`);
  process.exit(1);
}, BENCH_TIMEOUT_MS);
const repsArg = process.argv.find((a) => a.startsWith('--reps='));
main(repsArg ? Number(repsArg.slice('--reps='.length)) : 3)
  .then(() => clearTimeout(watchdog))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
