import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LiveClientConfig, LiveClientLine, LiveClientResult } from './live-client-protocol';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..', '..');
const ENTRY = 'libs/testing/src/lib/live/live-client.main.ts';

/** Epoch ms with sub-ms resolution: the clock the live client process stamps its lines with. */
export function liveClientNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The live client (live-client.main.ts: the official @deepgram/sdk live client streaming a
 * spoken-word script) as its own process, so its timers and sockets share no event loop with the
 * test or the servers under test. Collects every line it prints.
 */
export class LiveClientProcess {
  readonly lines: LiveClientLine[] = [];
  private readonly listeners = new Set<(line: LiveClientLine) => void>();
  private stderr = '';
  private partial = '';
  private exitCode?: number | null;
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => this.read(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(this.exitCode);
      }),
    );
  }

  /** Starts the process; it connects and streams at once. */
  static start(config: LiveClientConfig): LiveClientProcess {
    const child = spawn(
      process.execPath,
      [join(WORKSPACE_ROOT, 'scripts/run-ts.js'), join(WORKSPACE_ROOT, ENTRY)],
      {
        cwd: WORKSPACE_ROOT,
        env: { ...process.env, LIVE_CLIENT_CONFIG: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new LiveClientProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get errors(): string {
    return this.stderr;
  }

  /** Calls `listener` with every line from now on. */
  onLine(listener: (line: LiveClientLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first line (already seen or to come) that `match` accepts. */
  waitFor(match: (line: LiveClientLine) => boolean, timeoutMs: number): Promise<LiveClientLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`live client: no matching line within ${timeoutMs} ms\n${this.stderr}`));
      }, timeoutMs);
      const off = this.onLine((line) => {
        if (!match(line)) return;
        clearTimeout(timer);
        off();
        resolve(line);
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        off();
        const late = this.lines.find(match);
        if (late) resolve(late);
        else
          reject(new Error(`live client exited (${this.exitCode}) without a matching line\n${this.stderr}`));
      });
    });
  }

  /** Waits for the process to finish streaming every stream (and exit). */
  async finished(timeoutMs: number): Promise<number | null> {
    const timer = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), timeoutMs).unref(),
    );
    const code = await Promise.race([this.exited, timer]);
    if (code === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`live client did not finish within ${timeoutMs} ms\n${this.stderr}`);
    }
    return code;
  }

  /** The results of stream `s`, in the order received, with the time each arrived. */
  results(s: number): Array<LiveClientResult & { t: number }> {
    return this.lines.flatMap((line) =>
      line.ev === 'result' && line.s === s ? [{ ...line.result, t: line.t }] : [],
    );
  }

  stop(): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
    return this.exited;
  }

  private read(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      let line: LiveClientLine;
      try {
        line = JSON.parse(part) as LiveClientLine;
      } catch {
        this.stderr += `${part}\n`; // a stray log line from a library
        continue;
      }
      this.lines.push(line);
      for (const listener of [...this.listeners]) listener(line);
    }
  }
}
