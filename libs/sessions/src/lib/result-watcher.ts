import type Redis from 'ioredis';
import { DEFAULT_TENANT, KeyScheme, RESULT_FIELDS, SessionRef } from '@streamscribe/contracts';
import { Logger } from '@streamscribe/observability';
import { isClusterClient, pipelineAcrossSlots } from '@streamscribe/redis';

/**
 * Tells waiting requests that a session got a new result. One blocking XREAD on every partition
 * of the global results feed (`transcription:results:all`) serves every waiter in the process, instead of one connection per
 * waiting request. Waiters also re-check on a timer, so a missed wake-up (say, across a Redis
 * reconnect) costs latency, never correctness.
 *
 * The feed carries every session's results, so the watcher reads it only while someone waits (and
 * for `lingerMs` after the last waiter left, so steady traffic does not start and stop it): a
 * router that serves only uploads and posted chunks reads none of it.
 *
 * On Redis Cluster the partitions lie in different slots, which one XREAD cannot span: each
 * partition gets its own blocking XREAD, on its own connection (`duplicate()` of the reader).
 */
export class ResultWatcher {
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;
  /** Resolves on close(): every wait below races it, see untilClosed. */
  private readonly closing: Promise<void>;
  private signalClosing!: () => void;
  private loop?: Promise<void>;
  private started?: Promise<void>;
  private groups?: Array<[Redis, string[]]>;
  /** Reading goes on until then even with no waiter. */
  private lingerUntil = 0;

  constructor(
    private readonly reader: Redis,
    private readonly logger: Logger,
    private readonly keys: KeyScheme,
    private readonly blockMs = 2000,
    private readonly lingerMs = 30_000,
  ) {
    this.closing = new Promise((resolve) => (this.signalClosing = resolve));
  }

  /** Reads the feed from its current end, if not already reading; stops again once unwanted. */
  start(): void {
    if (this.loop || this.closed) return;
    this.lingerUntil = Date.now() + this.lingerMs;
    const groups = this.readGroups().map(([reader, streams]) => {
      const from = this.startIds(reader, streams);
      return { from, done: from.then((lastIds) => this.watch(reader, streams, lastIds)) };
    });
    this.started = Promise.all(groups.map((group) => group.from)).then(() => undefined);
    this.loop = Promise.all(groups.map((group) => group.done)).then(() => {
      this.loop = undefined;
      // A waiter that came while the reads were winding down: read again, from the feed's end.
      if (this.waiters.size > 0) this.start();
    });
  }

  /**
   * Resolves once the watcher knows where each partition's feed ends: every result written after
   * that wakes its waiters, however late the first blocking read reaches Redis.
   */
  ready(): Promise<void> {
    this.start();
    return this.started ?? Promise.resolve();
  }

  /** Whether the feed is being read now (someone waits, or did within lingerMs). */
  get reading(): boolean {
    return this.loop !== undefined;
  }

  /** Resolves when the session gets a result, or after timeoutMs, whichever comes first. */
  waitForResult(session: SessionRef, timeoutMs: number): Promise<void> {
    // Keyed by tenant and id: the same session id in another tenant is another session.
    const sessionId = waiterKey(session.tenant, session.sessionId);
    return new Promise((resolve) => {
      const set = this.waiters.get(sessionId) ?? new Set();
      this.waiters.set(sessionId, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(sessionId);
        if (this.waiters.size === 0) this.lingerUntil = Date.now() + this.lingerMs;
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      set.add(wake);
      this.start();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.signalClosing();
    this.reader.disconnect();
    // Cluster: the partitions' own connections besides the reader.
    for (const [connection] of this.groups ?? []) if (connection !== this.reader) connection.disconnect();
    await this.loop;
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  /** Which connection reads which partitions: all on the reader, or one each on Cluster (made once). */
  private readGroups(): Array<[Redis, string[]]> {
    if (this.groups) return this.groups;
    const streams = this.keys.allPartitions().map((k) => this.keys.allResultsStream(k));
    if (!isClusterClient(this.reader) || streams.length === 1)
      return (this.groups = [[this.reader, streams]]);
    return (this.groups = streams.map((stream, k) => [
      k === 0 ? this.reader : this.reader.duplicate(),
      [stream],
    ]));
  }

  /**
   * The command's answer, or undefined once close() was called: a command queued while the reader
   * reconnects is never answered nor failed by ioredis after disconnect() (it flushes its queue only
   * when a live socket closes), and close() must not wait for it.
   */
  private untilClosed<T>(command: Promise<T>): Promise<T | undefined> {
    const answered = command.catch((error: unknown) => {
      if (this.closed) return undefined;
      throw error;
    });
    return Promise.race([answered, this.closing.then(() => undefined)]);
  }

  private wanted(): boolean {
    return !this.closed && (this.waiters.size > 0 || Date.now() < this.lingerUntil);
  }

  /**
   * Each stream's newest entry id, read (in one round trip) before the first blocking read:
   * starting that read at `$` would miss whatever lands between start() and the moment Redis runs
   * it. An empty or missing stream starts at 0-0, which reads from its first future entry. If Redis
   * does not answer, `$`.
   */
  private async startIds(reader: Redis, streams: string[]): Promise<Map<string, string>> {
    const lastIds = new Map(streams.map((stream) => [stream, '$']));
    const ends = pipelineAcrossSlots(reader);
    for (const stream of streams) ends.xrevrange(stream, '+', '-', 'COUNT', 1);
    const replies = await this.untilClosed(ends.exec()).catch((error: Error) => {
      this.logger.debug({ err: error.message }, 'result watcher could not read the feed ends; from $');
      return undefined;
    });
    replies?.forEach(([error, reply], i) => {
      if (error) return;
      const [newest] = reply as Array<[string, string[]]>;
      lastIds.set(streams[i], newest ? newest[0] : '0-0');
    });
    return lastIds;
  }

  private async watch(reader: Redis, streams: string[], lastIds: Map<string, string>): Promise<void> {
    while (this.wanted()) {
      try {
        const reply = (await this.untilClosed(
          reader.xread(
            'COUNT',
            1000,
            'BLOCK',
            this.blockMs,
            'STREAMS',
            ...streams,
            ...streams.map((stream) => lastIds.get(stream) as string),
          ),
        )) as Array<[string, Array<[string, string[]]>]> | null | undefined;
        if (reply === undefined) return;
        for (const [stream, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastIds.set(stream, id);
            const sessionId = fieldValue(fields, RESULT_FIELDS.sessionId);
            const tenant = fieldValue(fields, RESULT_FIELDS.tenant) || DEFAULT_TENANT;
            if (sessionId !== undefined) this.notify(waiterKey(tenant, sessionId));
          }
        }
      } catch (error) {
        if (this.closed) return;
        this.logger.debug({ err: (error as Error).message }, 'result watcher read failed; retrying');
        await this.untilClosed(new Promise((resolve) => setTimeout(resolve, 500)));
      }
    }
  }

  private notify(sessionId: string): void {
    // sessionId: the waiter key (tenant and session id).
    const set = this.waiters.get(sessionId);
    if (set) for (const wake of [...set]) wake();
  }
}

/** Tenant ids never contain ':', so this names one session of one tenant. */
function waiterKey(tenant: string, sessionId: string): string {
  return `${tenant}:${sessionId}`;
}

/** A field's value in a flat name/value list (names at even positions: a text value never matches). */
function fieldValue(flat: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
  return undefined;
}
