// Whisper throughput on ONNX Runtime: audio seconds transcribed per wall second (the inverse of
// the real-time factor) for a Whisper-base-shaped export with random weights, one window per
// encoder run (batch 1) against 8 windows per run (batch 8), same audio, same fixed decode steps;
// then the same two with beam search (5 beams per window) against greedy decoding.
// `npm run bench:inference [-- --reps=3 --chunks=8 --seconds=10 --steps=32]`; see BENCHMARKS.md.
import './transport/silent-logs';
import os from 'node:os';
import { OnnxSessionFactory, WhisperEngine, WhisperWindow, type InferenceDevice } from '@streamscribe/inference';
import { createLogger } from '@streamscribe/observability';
import { beamPaths, beamSummary } from './inference/decoding-paths';
import { randomWhisperBase } from './inference/random-whisper-base';

function option(name: string, fallback: number): number {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = Number(flag?.split('=')[1] ?? process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Speech-band noise, a different seed per chunk: the encoder's cost does not depend on content. */
function chunkAudio(seconds: number, seed: number): Float32Array {
  return Float32Array.from({ length: seconds * 16000 }, (_, i) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000) + 0.1 * (seed / 2 ** 31 - 0.5);
  });
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  const reps = option('reps', 3);
  const chunks = option('chunks', 8);
  const seconds = option('seconds', 10);
  const steps = option('steps', 32);
  const device = (process.env['INFERENCE_DEVICE'] ?? 'cpu') as InferenceDevice;
  const loadBefore = loadAverage();
  const dir = randomWhisperBase();
  const sessions = new OnnxSessionFactory({ device, intraOpThreads: Number(process.env['INFERENCE_INTRA_OP_THREADS'] ?? 0), graphOptimization: 'all' }, createLogger('bench'));
  const engine = await WhisperEngine.load(dir, sessions);
  const windows: WhisperWindow[] = Array.from({ length: chunks }, (_, i) => ({
    samples: chunkAudio(seconds, i + 1),
    offsetSeconds: 0,
    language: 'en',
    task: 'transcribe',
    timestamps: false,
    fixedSteps: steps,
  }));
  const paths = {
    'batch 1': () => windows.reduce<Promise<unknown>>((previous, w) => previous.then(() => engine.transcribeBatch([w])), Promise.resolve()),
    [`batch ${chunks}`]: () => engine.transcribeBatch(windows),
    ...beamPaths(engine, windows),
  };
  const names = Object.keys(paths);
  const walls: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await paths[name](); // warm-up, unmeasured
  for (let rep = 0; rep < reps; rep++) {
    // Alternate which path goes first, so drift (thermal, neighbours) hits both alike.
    for (const name of rep % 2 === 0 ? names : [...names].reverse()) {
      const wall = await timed(paths[name]);
      walls[name].push(wall);
      process.stderr.write(`rep ${rep + 1}/${reps} ${name}: ${wall.toFixed(2)} s\n`);
    }
  }
  const audio = chunks * seconds;
  const base = median(walls['batch 1']);
  const cpus = os.cpus();
  const lines = [
    `device: ${sessions.activeDevice} (INFERENCE_DEVICE=${device}); cpu: ${cpus[0]?.model ?? 'unknown'} (${os.availableParallelism()} cores); node ${process.version}`,
    `model: Whisper-base shape, random weights (${dir}); ${chunks} chunks × ${seconds} s = ${audio} s of audio; ${steps} decode steps per chunk; ${reps} reps (median)`,
    '',
    '| path | wall s (median) | audio s / wall s | RTF (wall / audio) | vs batch 1 |',
    '| --- | --- | --- | --- | --- |',
    ...names.map((name) => {
      const wall = median(walls[name]);
      return `| ${name} | ${wall.toFixed(2)} | ${(audio / wall).toFixed(2)} | ${(wall / audio).toFixed(3)} | ${(base / wall).toFixed(2)}× |`;
    }),
    '',
    ...names.map((name) => `${name} per rep: ${walls[name].map((w) => w.toFixed(2)).join(', ')} s`),
    `per-rep ratio (batch 1 wall / batch ${chunks} wall, same rep): ${walls['batch 1'].map((w, i) => (w / walls[names[1]][i]).toFixed(2)).join(', ')}`,
    ...beamSummary(walls, chunks, median),
    `load average before / after: ${loadBefore} / ${loadAverage()} (other processes on this machine skew single reps)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:inference: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
