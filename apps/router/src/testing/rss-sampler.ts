import { readFileSync } from 'node:fs';

/** Resident set size of a process, in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Samples a process's RSS every `intervalMs` (fast enough to catch a short peak) until stopped,
 * keeping only the peak: a memory test's measure of what one request cost.
 */
export class RssSampler {
  private peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 5,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling (one last sample first) and returns the peak in bytes. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peakBytes;
  }

  private sample(): void {
    this.peakBytes = Math.max(this.peakBytes, rssOf(this.pid));
  }
}

export const MiB = 1024 * 1024;
