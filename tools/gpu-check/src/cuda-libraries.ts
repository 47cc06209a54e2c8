import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * What onnxruntime-node 1.30's CUDA execution provider (its CUDA 12 build, from the
 * Microsoft.ML.OnnxRuntime.Gpu.Linux package) loads: the CUDA 12 runtime libraries and cuDNN 9,
 * on a driver new enough for CUDA 12 (>= 525.60.13, minor-version compatibility).
 */
export const REQUIRED_LIBRARIES = [
  { label: 'CUDA runtime', soname: 'libcudart.so.12', requires: 'CUDA 12.x' },
  { label: 'cuBLAS', soname: 'libcublas.so.12', requires: 'CUDA 12.x' },
  { label: 'cuBLASLt', soname: 'libcublasLt.so.12', requires: 'CUDA 12.x' },
  { label: 'cuFFT', soname: 'libcufft.so.11', requires: 'CUDA 12.x' },
  { label: 'cuRAND', soname: 'libcurand.so.10', requires: 'CUDA 12.x' },
  { label: 'cuDNN', soname: 'libcudnn.so.9', requires: 'cuDNN 9.x' },
] as const;
export const REQUIRED_DRIVER = '525.60.13';

export interface LibraryFound {
  label: string;
  soname: string;
  requires: string;
  /** Where it was found, resolved through symlinks (its file name carries the full version). */
  path?: string;
  version?: string;
}

export interface GpuReport {
  /** `nvidia-smi`'s GPUs ("name, driver, memory"), empty without a driver. */
  gpus: string[];
  driver?: string;
  /** The newest CUDA the driver supports, from nvidia-smi's banner. */
  driverCuda?: string;
  libraries: LibraryFound[];
}

/** `nvidia-smi` (GPUs, driver, its CUDA) and the CUDA/cuDNN libraries the dynamic loader can find. */
export function inspectGpu(env: NodeJS.ProcessEnv = process.env): GpuReport {
  const query = run('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']);
  const gpus = query
    ? query
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    : [];
  const banner = gpus.length > 0 ? run('nvidia-smi', []) : undefined;
  const dirs = librarySearchDirs(env);
  const loaderCache = run('ldconfig', ['-p']) ?? '';
  return {
    gpus,
    driver: gpus[0]?.split(',')[1]?.trim(),
    driverCuda: banner ? parseDriverCuda(banner) : undefined,
    libraries: REQUIRED_LIBRARIES.map((lib) => {
      const path = findLibrary(lib.soname, dirs, loaderCache);
      return { ...lib, path, version: path ? versionFromFileName(basename(path), lib.soname) : undefined };
    }),
  };
}

/** "CUDA Version: 12.4" in nvidia-smi's banner. */
export function parseDriverCuda(banner: string): string | undefined {
  return /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1];
}

/** `libcudnn.so.9.1.0` → `9.1.0`; `libcudart.so.12` alone → `12`. */
export function versionFromFileName(file: string, soname: string): string | undefined {
  const stem = soname.replace(/\.so\..*$/, '.so');
  return file.startsWith(`${stem}.`) ? file.slice(stem.length + 1) : undefined;
}

/** The first `soname => path` of `ldconfig -p` output. */
export function fromLoaderCache(loaderCache: string, soname: string): string | undefined {
  for (const line of loaderCache.split('\n')) {
    const match = /^\s*(\S+) \(.*\) => (.+)$/.exec(line);
    if (match && match[1] === soname) return match[2].trim();
  }
  return undefined;
}

function findLibrary(soname: string, dirs: string[], loaderCache: string): string | undefined {
  for (const dir of dirs) {
    const candidate = join(dir, soname);
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  const cached = fromLoaderCache(loaderCache, soname);
  return cached && existsSync(cached) ? realpathSync(cached) : undefined;
}

/** LD_LIBRARY_PATH first (what the loader reads first), then the usual CUDA install folders. */
function librarySearchDirs(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean);
  const cudaHomes = existsSync('/usr/local')
    ? readdirSync('/usr/local')
        .filter((d) => /^cuda(-[\d.]+)?$/.test(d))
        .map((d) => join('/usr/local', d, 'lib64'))
    : [];
  return [...fromEnv, ...cudaHomes].filter((d) => existsSync(d));
}

/** stdout of a command, or undefined when it is missing or fails. */
export function run(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    });
  } catch {
    return undefined;
  }
}
