import type Redis from 'ioredis';
import type { ResultWatcher } from '@streamscribe/sessions';
import type { Logger } from '@streamscribe/observability';
import { SharedSessionReader, WatchedSession } from './shared-session-reader';

/** Longest a watched session goes without a re-read, should a wake-up from the watcher be missed. */
export const RECHECK_MS = 1000;
/** Consecutive failed re-reads after which a session's feeds end with the error. */
const FAILURES_BEFORE_GIVING_UP = 5;

/**
 * The sessions this router's live feeds watch, one SharedSessionReader each, shared by all their
 * clients. The router's one blocking XREAD on the global results stream (ResultWatcher) wakes a
 * session's reader, which re-reads once and wakes its feeds; with no wake-up it re-reads every
 * RECHECK_MS (a missed wake-up, or `/end` setting the expected count, shows within that). So
 * Redis commands per second grow with the sessions watched, never with the clients per session.
 * A reader goes away with its last feed.
 */
export class SessionResultsHub {
  private readonly readers = new Map<string, SharedSessionReader>();

  constructor(
    private readonly redis: Redis,
    private readonly watcher: ResultWatcher,
    private readonly logger: Logger,
    private readonly recheckMs = RECHECK_MS,
  ) {}

  /** Sessions watched now (for metrics and tests). */
  get watchedSessions(): number {
    return this.readers.size;
  }

  /** The session's shared reader, counted as used until `leave`. */
  join(session: WatchedSession): SharedSessionReader {
    let reader = this.readers.get(session.key);
    if (!reader) {
      reader = new SharedSessionReader(session, this.redis);
      this.readers.set(session.key, reader);
      void this.watch(reader);
    }
    reader.subscribers++;
    return reader;
  }

  leave(reader: SharedSessionReader): void {
    reader.subscribers--;
    if (reader.subscribers <= 0 && this.readers.get(reader.session.key) === reader)
      this.readers.delete(reader.session.key);
  }

  private async watch(reader: SharedSessionReader): Promise<void> {
    this.watcher.start();
    // Ends once the reader left the map (its last feed went, or it failed); the watcher's waiter
    // it may leave behind times out within recheckMs.
    let failures = 0;
    while (this.readers.get(reader.session.key) === reader) {
      await this.watcher.waitForResult(reader.session.ref, this.recheckMs);
      if (this.readers.get(reader.session.key) !== reader) return;
      try {
        await reader.refresh();
        failures = 0;
      } catch (error) {
        // A blip (a timed-out read on a busy Redis) is retried at the next re-check; only Redis
        // failing for a while ends the feeds, as a feed reading for itself would have ended.
        if (++failures < FAILURES_BEFORE_GIVING_UP) continue;
        this.logger.debug(
          { err: (error as Error).message },
          'live feed re-reads keep failing; its feeds end',
        );
        this.readers.delete(reader.session.key);
        reader.fail(error as Error);
        return;
      }
    }
  }
}
