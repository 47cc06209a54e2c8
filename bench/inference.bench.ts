// Whisper throughput on ONNX Runtime, and what inference does to the worker's event loop: audio
// seconds transcribed per wall second (the inverse of the real-time factor) for a Whisper-base-shaped
// export with random weights, at several batch sizes, with the engine on the event loop's own thread
// (in-thread) and in an engine thread as the workers run it (worker-thread), same audio, same fixed
// decode steps, greedy and with beam search (5 beams per window); event-loop delay
// (perf_hooks.monitorEventLoopDelay) measured during each path.
// `npm run bench:inference [-- --reps=3 --chunks=8 --seconds=10 --steps=32 --batch-sizes=1,8
//   --modes=in-thread,worker-thread --dtypes=fp32,fp16,int8 --decodings=greedy,beam5]`; see BENCHMARKS.md.
import './transport/silent-logs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  EngineThread,
  OnnxSessionFactory,
  WHISPER_DTYPE_SUFFIXES,
  WhisperDtype,
  WhisperEngine,
  WhisperThreadEngine,
  WhisperWindow,
  WindowResult,
  loadWhisperModelFiles,
  type InferenceDevice,
  type SessionSettings,
} from '@streamscribe/inference';
import { createLogger } from '@streamscribe/observability';
import { DECODINGS, Decoding, beamSummary, decodingLabel, windowsFor } from './inference/decoding-paths';
import { randomWhisperBase } from './inference/random-whisper-base';

const MODES = ['in-thread', 'worker-thread'] as const;
type Mode = (typeof MODES)[number];

function flag(name: string): string | undefined {
  return (
    process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ??
    process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`]
  );
}

function option(name: string, fallback: number): number {
  const value = Number(flag(name) ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function listOption<T extends string>(name: string, fallback: string, allowed?: readonly T[]): T[] {
  const values = (flag(name) ?? fallback).split(',').map((v) => v.trim()) as T[];
  const bad = allowed ? values.filter((v) => !allowed.includes(v)) : [];
  if (bad.length > 0) throw new Error(`--${name}: ${bad.join(', ')} not one of ${allowed?.join(', ')}`);
  return values;
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

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

interface Path {
  name: string;
  run: () => Promise<unknown>;
  walls: number[];
  /** Event-loop delay of each measured run (a fresh monitor per run: one re-enabled after a
   * pause would count the pause as delay). */
  loops: LoopDelay[];
}

async function loadEngine(dir: string, dtype: WhisperDtype, session: SessionSettings, mode: Mode) {
  if (mode === 'in-thread') {
    const sessions = new OnnxSessionFactory(session, createLogger('bench'));
    const engine = await WhisperEngine.load(dir, sessions, dtype);
    return { engine, device: sessions.activeDevice, close: async () => undefined };
  }
  const thread = await EngineThread.start<WhisperWindow, WindowResult>(
    { kind: 'whisper', dir, dtype, session },
    createLogger('bench'),
  );
  return {
    engine: new WhisperThreadEngine(loadWhisperModelFiles(dir, dtype), thread),
    device: thread.activeDevice,
    close: () => thread.close(),
  };
}

async function measured(path: Path): Promise<number> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const start = performance.now();
  await path.run();
  const wall = (performance.now() - start) / 1000;
  loop.disable();
  path.walls.push(wall);
  path.loops.push({ p50: loop.percentile(50), p99: loop.percentile(99), max: loop.max });
  return wall;
}

async function main(): Promise<void> {
  const reps = option('reps', 3);
  const chunks = option('chunks', 8);
  const seconds = option('seconds', 10);
  const steps = option('steps', 32);
  const batchSizes = listOption('batch-sizes', `1,${chunks}`).map(Number);
  if (batchSizes.some((b) => !Number.isInteger(b) || b < 1 || b > chunks))
    throw new Error(`--batch-sizes must be integers from 1 to --chunks (${chunks})`);
  const modes = listOption<Mode>('modes', MODES.join(','), MODES);
  const decodings = listOption<Decoding>('decodings', DECODINGS.join(','), DECODINGS);
  const dtypes = listOption<WhisperDtype>(
    'dtypes',
    'fp32',
    Object.keys(WHISPER_DTYPE_SUFFIXES) as WhisperDtype[],
  );
  const device = (process.env['INFERENCE_DEVICE'] ?? 'cpu') as InferenceDevice;
  const threads = Number(process.env['INFERENCE_INTRA_OP_THREADS'] ?? 0);
  const loadBefore = loadAverage();
  const dir = dtypes.map((dtype) => randomWhisperBase(dtype))[0];
  const session: SessionSettings = { device, intraOpThreads: threads, graphOptimization: 'all' };
  const windows: WhisperWindow[] = Array.from({ length: chunks }, (_, i) => ({
    samples: chunkAudio(seconds, i + 1),
    offsetSeconds: 0,
    language: 'en',
    task: 'transcribe',
    timestamps: false,
    fixedSteps: steps,
  }));
  const paths: Path[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  let activeDevice: string | undefined;
  for (const dtype of dtypes) {
    for (const mode of modes) {
      const loaded = await loadEngine(dir, dtype, session, mode);
      activeDevice ??= loaded.device;
      closers.push(loaded.close);
      for (const decoding of decodings) {
        const decoded = windowsFor(decoding, windows);
        for (const batch of batchSizes) {
          const groups = Array.from({ length: Math.ceil(chunks / batch) }, (_, i) =>
            decoded.slice(i * batch, (i + 1) * batch),
          );
          paths.push({
            name: `${decodingLabel(decoding)}${dtypes.length > 1 ? `${dtype}, ` : ''}batch ${batch}, ${mode}`,
            run: () =>
              groups.reduce<Promise<unknown>>(
                (previous, group) => previous.then(() => loaded.engine.transcribeBatch(group)),
                Promise.resolve(),
              ),
            walls: [],
            loops: [],
          });
        }
      }
    }
  }
  for (const path of paths) await path.run(); // warm-up, unmeasured
  for (let rep = 0; rep < reps; rep++) {
    // Alternate the order, so drift (thermal, neighbours) hits every path alike.
    for (const path of rep % 2 === 0 ? paths : [...paths].reverse()) {
      const wall = await measured(path);
      process.stderr.write(`rep ${rep + 1}/${reps} ${path.name}: ${wall.toFixed(2)} s\n`);
    }
  }
  await Promise.all(closers.map((close) => close()));
  const audio = chunks * seconds;
  const base = median(paths[0].walls);
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  const cpus = os.cpus();
  const lines = [
    `device: ${activeDevice} (INFERENCE_DEVICE=${device}); threads per operator: ${threads || 'one per core'}; cpu: ${cpus[0]?.model ?? 'unknown'} (${os.availableParallelism()} cores); node ${process.version}`,
    `model: Whisper-base shape, random weights, ${dtypes.join('/')} (${dir}); ${chunks} chunks × ${seconds} s = ${audio} s of audio; ${steps} decode steps per chunk; ${reps} reps (median)`,
    '',
    `| path | wall s (median) | audio s / wall s | RTF (wall / audio) | vs ${paths[0].name} | event-loop delay p50 ms | p99 ms | max ms |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...paths.map((p) => {
      const wall = median(p.walls);
      const loop = `${ms(median(p.loops.map((l) => l.p50)))} | ${ms(median(p.loops.map((l) => l.p99)))} | ${ms(Math.max(...p.loops.map((l) => l.max)))}`;
      return `| ${p.name} | ${wall.toFixed(2)} | ${(audio / wall).toFixed(2)} | ${(wall / audio).toFixed(3)} | ${(base / wall).toFixed(2)}× | ${loop} |`;
    }),
    '',
    'event-loop delay: per run, median over the reps (max: the largest of any run)',
    ...paths.map(
      (p) =>
        `${p.name} per rep: ${p.walls.map((w) => w.toFixed(2)).join(', ')} s; p99 ${p.loops.map((l) => ms(l.p99)).join(', ')} ms`,
    ),
    ...beamSummary(paths, median),
    `load average before / after: ${loadBefore} / ${loadAverage()} (other processes on this machine skew single reps)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:inference: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
