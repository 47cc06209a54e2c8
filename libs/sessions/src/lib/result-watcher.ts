import type Redis from 'ioredis';
import { DEFAULT_TENANT, KeyScheme, RESULT_FIELDS, SessionRef } from '@streamscribe/contracts';
import { Logger } from '@streamscribe/observability';
import { isClusterClient } from '@streamscribe/redis';

/**
 * Tells waiting requests that a session got a new result. One blocking XREAD on every partition
 * of the global results feed (`transcription:results:all`) serves every waiter in the process, instead of one connection per
 * waiting request. Waiters also re-check on a timer, so a missed wake-up (say, across a Redis
 * reconnect) costs latency, never correctness.
 *
 * On Redis Cluster the partitions lie in different slots, which one XREAD cannot span: each
 * partition gets its own blocking XREAD, on its own connection (`duplicate()` of the reader).
 */
export class ResultWatcher {
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;
  private loop?: Promise<void>;
  private readonly connections: Redis[] = [];

  constructor(
    private readonly reader: Redis,
    private readonly logger: Logger,
    private readonly keys: KeyScheme,
    private readonly blockMs = 2000,
  ) {}

  start(): void {
    this.loop ??= Promise.all(this.readGroups().map(([reader, streams]) => this.watch(reader, streams))).then(
      () => undefined,
    );
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
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      set.add(wake);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader.disconnect();
    for (const connection of this.connections) connection.disconnect();
    await this.loop;
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  /** Which connection reads which partitions: all on the reader, or one each on Cluster. */
  private readGroups(): Array<[Redis, string[]]> {
    const streams = this.keys.allPartitions().map((k) => this.keys.allResultsStream(k));
    if (!isClusterClient(this.reader) || streams.length === 1) return [[this.reader, streams]];
    return streams.map((stream, k) => {
      if (k === 0) return [this.reader, [stream]];
      const connection = this.reader.duplicate();
      this.connections.push(connection);
      return [connection, [stream]];
    });
  }

  private async watch(reader: Redis, streams: string[]): Promise<void> {
    const lastIds = new Map(streams.map((stream) => [stream, '$']));
    while (!this.closed) {
      try {
        const reply = (await reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          this.blockMs,
          'STREAMS',
          ...streams,
          ...streams.map((stream) => lastIds.get(stream) as string),
        )) as Array<[string, Array<[string, string[]]>]> | null;
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
        await new Promise((resolve) => setTimeout(resolve, 500));
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
