import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Debian's interpreter, where `python3-redis` installs redis-py (a pyenv shim on PATH may lack it). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'classic_guide.py');

/** One result as the guide's `get_session_results` returns it. */
export interface ClassicGuideResult {
  message_id: string;
  text: string;
  confidence: number;
  provider: string;
  processing_time: number;
  chunk_id: string;
  timestamp: number;
}

/** What the guide's consensus client got: `get_consensus_result`'s pick and the session's results. */
export interface ClassicConsensusRun {
  best: ClassicGuideResult | null;
  results: ClassicGuideResult[];
}

/** Throws with the install command when Debian's python3-redis is missing. */
export function requireClassicGuidePython(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import redis'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `${PYTHON} cannot import redis: run \`apt-get install -y python3-redis\` (CI's .ci/run does)`,
    );
  }
}

/**
 * Code written exactly as the original Python guide shows (classic_guide.py, its sections 2–6
 * verbatim), run as a real process against a test's Redis.
 */
export class ClassicGuideProcess {
  private output = '';
  private exitCode?: number | null;
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  /** A guide-style consumer (`BaseTranscriptionConsumer.start_consuming`) in `{provider}_workers`. */
  static async consume(provider: string, redisPort: number): Promise<ClassicGuideProcess> {
    requireClassicGuidePython();
    const started = new ClassicGuideProcess(
      spawn(PYTHON, ['-u', SCRIPT, 'consume', provider, String(redisPort)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    await started.waitForOutput(new RegExp(`Starting ${provider} consumer`));
    return started;
  }

  /**
   * The guide's consensus: `transcribe_with_consensus` (one chunk id to every provider's stream),
   * then `get_consensus_result`, then `get_session_results` for the consensus session.
   */
  static async consensus(
    redisPort: number,
    sessionId: string,
    wavPath: string,
    providers: readonly string[],
    timeoutMs = 60_000,
  ): Promise<ClassicConsensusRun> {
    requireClassicGuidePython();
    const run = new ClassicGuideProcess(
      spawn(PYTHON, ['-u', SCRIPT, 'consensus', String(redisPort), sessionId, wavPath, ...providers], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    await run.waitForOutput(/^CONSENSUS /m, timeoutMs);
    await run.exited;
    const line = run.output.split('\n').find((l) => l.startsWith('CONSENSUS ')) as string;
    return JSON.parse(line.slice('CONSENSUS '.length)) as ClassicConsensusRun;
  }

  get logs(): string {
    return this.output;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.exitCode !== undefined)
        throw new Error(
          `the classic guide's process exited (${this.exitCode}) before printing ${pattern}:\n${this.output}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `the classic guide's process did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The guide's consumer loops forever; SIGTERM ends it (Python's default handler). */
  async stop(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGTERM');
    await this.exited;
  }
}
