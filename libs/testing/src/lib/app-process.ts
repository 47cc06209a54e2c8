import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');
/** What an app logs once it serves. */
export const READY_LINE = /"msg":"(worker|router) ready"/;

/**
 * An app of this workspace running as a real process from its TypeScript sources
 * (`node scripts/run-ts.js apps/<app>/src/main.ts`), for end-to-end and chaos tests.
 */
export class AppProcess {
  private output = '';
  private exitCode?: number | null;
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(code);
      }),
    );
  }

  /** Starts `apps/<app>/src/main.ts` and waits for its "ready" log line. */
  static start(app: string, env: Record<string, string>, readyTimeoutMs = 30_000): Promise<AppProcess> {
    return AppProcess.startEntry(app, `apps/${app}/src/main.ts`, env, readyTimeoutMs);
  }

  /** Starts any entry point of the workspace (path from its root) and waits for its "ready" log line. */
  static async startEntry(
    name: string,
    entry: string,
    env: Record<string, string>,
    readyTimeoutMs = 30_000,
  ): Promise<AppProcess> {
    const started = AppProcess.launchEntry(name, entry, env);
    // One that never gets ready is killed, not left running behind the caller's retry.
    await started.waitForOutput(READY_LINE, readyTimeoutMs).catch(async (error: unknown) => {
      await started.stop('SIGKILL');
      throw error;
    });
    return started;
  }

  /** Starts `apps/<app>/src/main.ts` without waiting for anything (`waitForOutput` says when). */
  static launch(app: string, env: Record<string, string>): AppProcess {
    return AppProcess.launchEntry(app, `apps/${app}/src/main.ts`, env);
  }

  private static launchEntry(name: string, entry: string, env: Record<string, string>): AppProcess {
    const child = spawn(
      process.execPath,
      [join(WORKSPACE_ROOT, 'scripts/run-ts.js'), join(WORKSPACE_ROOT, entry)],
      {
        cwd: WORKSPACE_ROOT,
        env: { ...process.env, LOG_LEVEL: 'info', JEST_WORKER_ID: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new AppProcess(name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get logs(): string {
    return this.output;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.exitCode !== undefined)
        throw new Error(`${this.name} exited (${this.exitCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Sends a signal and resolves with the exit code (null when killed by the signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill(signal);
    return this.exited;
  }
}
