import { ChildProcess, spawn } from 'node:child_process';

/**
 * A monitoring binary (prometheus, prometheus-redis-exporter) run by a test: its output kept for
 * error messages, ready once an HTTP URL of it answers, stopped with SIGTERM and awaited.
 */
export class MonitoringProcess {
  private output = '';
  private exitCode?: number | null;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.output += `\n${error.message}`;
        this.exitCode ??= -1;
        resolve();
      });
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      });
    });
  }

  static spawn(name: string, binary: string, args: string[]): MonitoringProcess {
    return new MonitoringProcess(name, spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get logs(): string {
    return this.output;
  }

  /** Resolves once `url` answers 200; throws with the output when the process exits first. */
  async waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== undefined)
        throw new Error(`${this.name} exited (${this.exitCode}) before ${url} answered:\n${this.output}`);
      const status = await fetch(url).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline)
        throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGTERM');
    await this.exited;
  }
}
