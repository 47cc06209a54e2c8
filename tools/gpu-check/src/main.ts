// `npm run gpu:check [-- --staged=DIR] [--no-download] [--install-only] [--reps=N] [--no-bench]`
// For a CUDA machine: installs onnxruntime-node's CUDA provider (from a staged folder, or through
// its install script), reports the CUDA and cuDNN it finds against what the provider needs, runs
// Whisper and Parakeet on CUDA and on CPU over the same inputs and compares them, then prints
// bench:inference with CUDA rows at batch 1, 8 and 32. Exit 0: all good; 1: CUDA ran and
// disagreed, or its provider would not load; 2: not runnable here (says what is missing).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CudaUnavailableError } from '@streamscribe/inference';
import { REQUIRED_DRIVER, inspectGpu, run, type GpuReport } from './cuda-libraries';
import { installCudaProvider, providerPackage, stagingInstructions } from './cuda-provider';
import { compareEngines } from './engine-comparison';

const ROOT = join(__dirname, '..', '..', '..');

interface Options {
  stagedDir: string;
  download: boolean;
  installOnly: boolean;
  bench: boolean;
  reps: number;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) =>
    argv
      .find((a) => a.startsWith(`--${name}=`))
      ?.split('=')
      .slice(1)
      .join('=');
  const known = /^--(staged=.+|no-download|install-only|no-bench|reps=\d+)$/;
  const unknown = argv.filter((a) => !known.test(a));
  if (unknown.length > 0)
    throw new Error(
      `unknown option ${unknown.join(' ')}; usage: npm run gpu:check [-- --staged=DIR] [--no-download] [--install-only] [--no-bench] [--reps=N]`,
    );
  return {
    stagedDir: value('staged') ?? process.env['GPU_CHECK_STAGED_DIR'] ?? join(ROOT, '.gpu-stage'),
    download: !argv.includes('--no-download'),
    installOnly: argv.includes('--install-only'),
    bench: !argv.includes('--no-bench'),
    reps: Number(value('reps') ?? 3),
  };
}

const say = (line = '') => process.stdout.write(`${line}\n`);

function reportGpu(report: GpuReport): void {
  say('## CUDA on this machine');
  say(
    report.gpus.length > 0
      ? `GPUs: ${report.gpus.join('; ')}`
      : 'GPUs: none found (nvidia-smi is missing or finds no device)',
  );
  say(
    `NVIDIA driver: ${report.driver ?? 'not found'} (CUDA 12 needs >= ${REQUIRED_DRIVER}); newest CUDA it supports: ${report.driverCuda ?? 'unknown'}`,
  );
  say('| library | needed | found | version |');
  say('| --- | --- | --- | --- |');
  for (const lib of report.libraries)
    say(
      `| ${lib.label} | ${lib.soname} (${lib.requires}) | ${lib.path ?? 'not found'} | ${lib.version ?? '-'} |`,
    );
  const missing = report.libraries.filter((l) => !l.path);
  if (missing.length > 0) {
    say(
      `Missing: ${missing.map((l) => l.soname).join(', ')}. Install CUDA 12 and cuDNN 9 (e.g. the nvidia/cuda:12.x-cudnn-runtime image, or the cuda-libraries-12-x and libcudnn9-cuda-12 packages), or add their folder to LD_LIBRARY_PATH.`,
    );
  }
}

/** The provider's own view: libraries it needs that the loader cannot resolve. */
function unresolvedProviderDependencies(binDir: string): string[] {
  const ldd = run('ldd', [join(binDir, 'libonnxruntime_providers_cuda.so')]) ?? '';
  return ldd
    .split('\n')
    .filter((l) => l.includes('not found'))
    .map((l) => l.trim().split(/\s/)[0]);
}

function bench(device: 'cuda' | 'cpu', args: string[]): boolean {
  say(`\n## bench:inference on ${device}: ${args.join(' ')}`);
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/run-ts.js'), join(ROOT, 'bench/inference.bench.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, INFERENCE_DEVICE: device },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return result.status === 0;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const pkg = providerPackage();
  const gpu = inspectGpu();
  reportGpu(gpu);
  say('\n## onnxruntime-node CUDA provider');
  const hasGpu = gpu.gpus.length > 0;
  // Without a GPU there is nothing to run: install only when asked to (an image build, say).
  if (!hasGpu && !options.installOnly) {
    say(
      'Not installed or run: this machine has no NVIDIA GPU. Run npm run gpu:check on the CUDA machine (--install-only installs the provider without one).',
    );
    return 2;
  }
  const install = installCudaProvider(pkg, options.stagedDir, options.download, say);
  if (!install.installed) {
    for (const line of install.tried) say(`tried: ${line}`);
    say(stagingInstructions(pkg, options.stagedDir));
    return 2;
  }
  say(`onnxruntime-node ${pkg.version} CUDA provider: ${install.how} (${pkg.binDir})`);
  const unresolved = unresolvedProviderDependencies(pkg.binDir);
  say(
    unresolved.length > 0
      ? `the provider needs libraries the loader cannot find: ${unresolved.join(', ')}`
      : 'the provider resolves all its libraries (ldd)',
  );
  if (options.installOnly) return 0;

  say('\n## Same inputs on CPU and CUDA');
  const whisperBase =
    process.env['BENCH_MODEL_DIR'] || join(tmpdir(), 'streamscribe-bench', 'whisper-base-random');
  let rows;
  try {
    rows = await compareEngines(
      join(ROOT, 'tools/models/tiny'),
      existsSync(join(whisperBase, 'onnx', 'encoder_model.onnx')) ? whisperBase : undefined,
    );
  } catch (error) {
    if (!(error instanceof CudaUnavailableError)) throw error;
    say(error.message);
    return 1;
  }
  say('| what | CPU | CUDA | agree |');
  say('| --- | --- | --- | --- |');
  for (const row of rows) say(`| ${row.what} | ${row.cpu} | ${row.cuda} | ${row.agree ? 'yes' : 'NO'} |`);
  const agreed = rows.every((r) => r.agree);
  if (options.bench) {
    const reps = `--reps=${options.reps}`;
    // CUDA at batch 1, 8 and 32 in both threading modes; CPU at batch 8 in the same run, as the baseline.
    const benched =
      bench('cuda', [reps, '--chunks=32', '--batch-sizes=1,8,32']) &&
      bench('cpu', [reps, '--chunks=8', '--batch-sizes=8', '--modes=worker-thread']);
    if (!benched) return 1;
  }
  return agreed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`gpu:check: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
