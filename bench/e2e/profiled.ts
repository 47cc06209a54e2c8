import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * With `--cpu-prof=DIR` on the command line: the environment that makes an app process profile
 * itself into DIR (cpu-profile.preload.js; Node 20 refuses --cpu-prof in NODE_OPTIONS). Empty without.
 */
export function profiled(): Record<string, string> {
  const dir = process.argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
  if (!dir) return {};
  mkdirSync(resolve(dir), { recursive: true });
  return {
    NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.preload.js')}`,
    BENCH_CPU_PROFILE_DIR: resolve(dir),
  };
}

/** With `--cpu-prof`: starts the profilers of these processes (after a warm-up, say). */
export function startProfiling(pids: ReadonlyArray<number | undefined>): void {
  if (!process.argv.some((a) => a.startsWith('--cpu-prof='))) return;
  for (const pid of pids) if (pid !== undefined) process.kill(pid, 'SIGUSR2');
}
