import type Redis from 'ioredis';
import { RESULTS_ALL_STREAM, RESULT_FIELDS } from '@streamscribe/contracts';
import { Logger } from '@streamscribe/observability';

/**
 * Tells waiting requests that a session got a new result. One blocking XREAD on
 * `transcription:results:all` serves every waiter in the process, instead of one connection per
 * waiting request. Waiters also re-check on a timer, so a missed wake-up (say, across a Redis
 * reconnect) costs latency, never correctness.
 */
export class ResultWatcher {
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;
  private loop?: Promise<void>;

  constructor(
    private readonly reader: Redis,
    private readonly logger: Logger,
    private readonly blockMs = 2000,
  ) {}

  start(): void {
    this.loop ??= this.watch();
  }

  /** Resolves when the session gets a result, or after timeoutMs, whichever comes first. */
  waitForResult(sessionId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(sessionId) ?? new Set();
      this.waiters.set(sessionId, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(sessionId);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      set.add(wake);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
    await this.loop;
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  private async watch(): Promise<void> {
    let lastId = '$';
    while (!this.closed) {
      try {
        const reply = (await this.reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          RESULTS_ALL_STREAM,
          lastId,
        )) as Array<[string, Array<[string, string[]]>]> | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const at = fields.indexOf(RESULT_FIELDS.sessionId);
            if (at >= 0) this.notify(fields[at + 1]);
          }
        }
      } catch (error) {
        if (this.closed) return;
        this.logger.debug({ err: (error as Error).message }, 'result watcher read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private notify(sessionId: string): void {
    const set = this.waiters.get(sessionId);
    if (set) for (const wake of [...set]) wake();
  }
}
