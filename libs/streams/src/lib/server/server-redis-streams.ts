import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type Redis from 'ioredis';
import { lastValueFrom } from 'rxjs';
import { fieldsFromFlat } from '@streamscribe/contracts';
import { Logger } from '@streamscribe/observability';
import { RedisStreamsContext } from '../ctx-host/redis-streams.context';
import { ReclaimOptions, RedisStreamsServerOptions } from '../interfaces/redis-streams-server-options.interface';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { closeRedis, createRedisConnection, ensureGroup, isNoGroupError, reconnectDelayMs } from '@streamscribe/redis';
import { AckBatcher } from './ack-batcher';
import { errorMessage, sleep } from './loop-utils';
import { InFlightEntry, LeaseKeeper } from './lease-keeper';
import { Reclaimer } from './reclaimer';
import { maintainStreams } from './stream-maintenance';
import { StreamBinding, bindStream, transportMetrics } from './transport-metrics';

export const REDIS_STREAMS_TRANSPORT = Symbol('REDIS_STREAMS_TRANSPORT');

/** How long past the drain timeout the acks, group leave and QUIT may take. */
const DRAIN_MARGIN_MS = 5000;

interface ReclaimedForDispatch {
  entry: StreamEntry;
  group: string;
  deliveryCount: number;
}

type XReadGroupReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/**
 * Nest transport over Redis Streams consumer groups. Handlers are registered by stream key
 * (`@EventPattern('audio:stream:deepgram')`); each group gets one blocking XREADGROUP loop on its
 * own connection, while acknowledgements, heartbeats and group management use another, so a
 * blocked read never delays an ack. At most `concurrency` entries are in flight per process, and
 * an entry is acknowledged only after its handler completed without error.
 */
export class ServerRedisStreams extends Server implements CustomTransportStrategy {
  override readonly transportId = REDIS_STREAMS_TRANSPORT;
  private readonly concurrency: number;
  private readonly blockMs: number;
  private readonly log: Logger;
  private commands?: Redis;
  private acks?: AckBatcher;
  private readonly readers = new Map<Redis, Promise<number>>();
  /**
   * Per stream, resolved once at start: the handler (Nest's getHandlerByPattern parses the pattern
   * as JSON first, and a stream key is not JSON — per entry that cost about a quarter of the CPU)
   * and the metric children (label sets hashed once, not per entry).
   */
  private readonly bindings = new Map<string, StreamBinding>();
  private readonly loops: Promise<void>[] = [];
  /** Slots a blocked XREADGROUP may fill when it returns. */
  private reservedForReads = 0;
  /** Claimed from stopped consumers, waiting for a free slot; they go before new entries. */
  private readonly reclaimed: ReclaimedForDispatch[] = [];
  /** Handlers in flight, with the entry each works on (for lease renewal). */
  private readonly running = new Map<Promise<void>, InFlightEntry>();
  private slotWaiters: Array<() => void> = [];
  private presenceTimer?: NodeJS.Timeout;
  private closing?: Promise<void>;
  /** Aborted by close(): wakes the reclaim sweeper from its sleep at once. */
  private readonly stopping = new AbortController();
  /** Aborted once the drain is over: what is still in flight then is left for peers to reclaim. */
  private readonly releasingLeases = new AbortController();
  private leaseRenewal?: Promise<void>;

  constructor(private readonly options: RedisStreamsServerOptions) {
    super();
    this.concurrency = options.concurrency ?? 8;
    this.blockMs = options.blockMs ?? 2000;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new Error(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    if (!Number.isInteger(this.blockMs) || this.blockMs < 1) {
      throw new Error(`blockMs must be a positive integer (0 would block forever), got ${options.blockMs}`);
    }
    this.log = options.logger.child({ consumer: options.consumer });
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  /** Stops reading, lets in-flight handlers finish (up to drainTimeoutMs), then disconnects. */
  close(): Promise<void> {
    this.closing ??= this.drainAndDisconnect();
    return this.closing;
  }

  on(): never {
    throw new Error('ServerRedisStreams emits no events; watch its metrics and logs instead');
  }

  unwrap<T>(): T {
    return { commands: this.commands, readers: [...this.readers.keys()] } as T;
  }

  /** Whether this process still works on (or has queued) the entry. */
  private holds(id: string): boolean {
    return [...this.running.values()].some((e) => e.id === id) || this.reclaimed.some(({ entry }) => entry.id === id);
  }

  /** Entries being handled right now by this process. */
  get inFlight(): number {
    return this.running.size;
  }

  private async start(): Promise<void> {
    const { url, consumer } = this.options;
    this.commands = createRedisConnection(url, { name: `${consumer}:commands`, logger: this.log });
    this.acks = new AckBatcher(this.commands);
    const streamsByGroup = new Map<string, string[]>();
    for (const stream of this.messageHandlers.keys()) {
      const group = this.options.groupFor(stream);
      const handler = this.getHandlerByPattern(stream);
      if (handler) this.bindings.set(stream, bindStream(stream, group, handler));
      streamsByGroup.set(group, [...(streamsByGroup.get(group) ?? []), stream]);
    }
    for (const [group, streams] of streamsByGroup) {
      await this.ensureGroupsPatiently(group, streams);
      if (this.closing) return;
      this.loops.push(this.readLoop(group, streams));
    }
    this.startPresence([...streamsByGroup.keys()]);
    if (this.options.reclaim) {
      this.loops.push(this.reclaimLoop(streamsByGroup, this.options.reclaim));
      this.leaseRenewal = this.leaseLoop(this.options.reclaim);
    }
    if (this.options.maintenance) {
      const keep = { commands: this.commands, presenceKeyFor: this.options.presenceKeyFor, log: this.log, stopping: this.stopping.signal };
      this.loops.push(maintainStreams(streamsByGroup, this.options.maintenance, keep));
    }
    this.log.info({ groups: Object.fromEntries(streamsByGroup), concurrency: this.concurrency }, 'consuming');
  }

  /**
   * Creates the groups, waiting for Redis with backoff when it is not there yet (a worker started
   * before Redis, or during a restart): the worker then starts late instead of crash-looping.
   */
  private async ensureGroupsPatiently(group: string, streams: string[]): Promise<void> {
    for (let attempt = 1; !this.closing; attempt++) {
      try {
        await Promise.all(streams.map((stream) => ensureGroup(this.commands as Redis, stream, group)));
        return;
      } catch (error) {
        if (attempt === 1) this.log.warn({ err: errorMessage(error), group }, 'cannot create consumer group yet; waiting for Redis');
        await sleep(reconnectDelayMs(attempt), this.stopping.signal);
      }
    }
  }

  private async readLoop(group: string, streams: string[]): Promise<void> {
    const { url, consumer } = this.options;
    const reader = createRedisConnection(url, { name: `${consumer}:reader`, logger: this.log });
    // Its client id lets close() end a blocked XREADGROUP at once with CLIENT UNBLOCK.
    this.readers.set(reader, reader.client('ID') as Promise<number>);
    let failures = 0;
    while (!this.closing) {
      await this.waitForFreeSlot();
      if (this.closing) break;
      // The slots this read may fill stay reserved while it blocks, so reclaimed entries started
      // meanwhile cannot push the process over its concurrency when the read returns.
      const count = Math.max(1, this.concurrency - this.inFlight - this.reservedForReads - this.reclaimed.length);
      this.reservedForReads += count;
      let reply: XReadGroupReply;
      try {
        reply = (await reader.callBuffer(
          'XREADGROUP',
          'GROUP', group, consumer,
          'COUNT', count,
          'BLOCK', this.blockMs,
          'STREAMS', ...streams, ...streams.map(() => '>'),
        )) as XReadGroupReply;
        failures = 0;
      } catch (error) {
        if (this.closing) break;
        failures += 1;
        await this.recoverFromReadError(error, group, streams, failures);
        continue;
      } finally {
        this.reservedForReads -= count;
      }
      this.slotWaiters.shift()?.(); // another group's read loop may use what this one did not
      for (const [stream, entries] of reply ?? []) {
        for (const [id, flat] of entries) {
          this.dispatch({ stream: stream.toString(), id: id.toString(), fields: fieldsFromFlat(flat) }, group, 1);
        }
      }
      this.dispatchReclaimed();
    }
  }

  private async recoverFromReadError(error: unknown, group: string, streams: string[], failures: number): Promise<void> {
    if (isNoGroupError(error)) {
      // The stream or group vanished (Redis restarted without persistence, or someone deleted it).
      this.log.warn({ group }, 'consumer group missing; recreating it');
      const recreated = await Promise.all(streams.map((stream) => ensureGroup(this.commands as Redis, stream, group))).then(
        () => true,
        () => false,
      );
      if (!recreated) await sleep(reconnectDelayMs(failures));
      return;
    }
    transportMetrics.readErrors.inc({ group });
    if (failures === 1) this.log.warn({ err: errorMessage(error), group }, 'XREADGROUP failed; retrying with backoff');
    await sleep(reconnectDelayMs(failures));
  }

  /**
   * Every intervalMs, claims entries idle past minIdleMs as far as free slots allow, and
   * dispatches them with their delivery count, so a handler can tell a poison message (delivered
   * again and again) from a first try.
   */
  private async reclaimLoop(streamsByGroup: Map<string, string[]>, reclaim: ReclaimOptions): Promise<void> {
    const reclaimer = new Reclaimer(this.commands as Redis, this.options.consumer, reclaim.minIdleMs);
    const cursors = new Map<string, string>();
    while (!this.closing) {
      await sleep(reclaim.intervalMs, this.stopping.signal);
      for (const [group, streams] of streamsByGroup) {
        for (const stream of streams) {
          // As many as there are free slots; a busy worker still takes one per sweep (it goes before
          // new reads), so a saturated fleet drains a dead worker's chunks, but no worker hoards them.
          const room = this.concurrency - this.running.size - this.reclaimed.length;
          const count = room > 0 ? room : this.reclaimed.length === 0 ? 1 : 0;
          if (this.closing || count === 0) continue;
          const key = `${stream}\u0000${group}`;
          try {
            const { next, claimed } = await reclaimer.sweep(stream, group, cursors.get(key) ?? '0-0', count);
            cursors.set(key, next);
            for (const { entry, deliveryCount, previousOwner, idleMs } of claimed) {
              this.log.info({ stream, entryId: entry.id, from: previousOwner, idleMs, deliveryCount }, 'entry reclaimed');
              this.reclaimed.push({ entry, group, deliveryCount });
            }
            this.dispatchReclaimed();
            // Slots held by a blocked read: end the read now rather than after WORKER_BLOCK_MS.
            if (this.reclaimed.length > 0 && this.reservedForReads > 0) await this.wakeReaders();
          } catch (error) {
            if (!this.closing) this.log.warn({ err: errorMessage(error), stream, group }, 'reclaim sweep failed');
          }
        }
      }
    }
  }

  /**
   * Renews the leases of in-flight entries three times per min-idle period, so peers reclaim only
   * from consumers that stopped (crashed, killed, partitioned), never from a slow live one.
   * It keeps renewing during the drain (entries still running then are nobody else's yet) and
   * stops when the drain ends, so what is left over becomes reclaimable.
   */
  private async leaseLoop(reclaim: ReclaimOptions): Promise<void> {
    const keeper = new LeaseKeeper(this.commands as Redis, this.options.consumer);
    const period = Math.max(10, Math.floor(reclaim.minIdleMs / 3));
    while (!this.releasingLeases.signal.aborted) {
      await sleep(period, this.releasingLeases.signal);
      if (this.running.size + this.reclaimed.length === 0 || this.releasingLeases.signal.aborted) continue;
      try {
        const held = [...this.running.values(), ...this.reclaimed.map(({ entry, group }) => ({ stream: entry.stream, group, id: entry.id }))];
        const lost = await keeper.renew(held, (id) => this.holds(id));
        if (lost.length > 0) this.log.warn({ entryIds: lost }, 'a peer reclaimed entries still in flight here; they may be handled twice');
      } catch (error) {
        this.log.warn({ err: errorMessage(error) }, 'lease renewal failed');
      }
    }
  }

  /** Runs one entry through its handler; the read loop and the reclaim sweeper both use this. */
  protected dispatch(entry: StreamEntry, group: string, deliveryCount: number): void {
    const context = new RedisStreamsContext([entry.stream, entry.id, group, this.options.consumer, deliveryCount]);
    const run = this.handle(entry, context).finally(() => {
      this.running.delete(run);
      this.dispatchReclaimed();
      this.slotWaiters.shift()?.();
    });
    this.running.set(run, { stream: entry.stream, group, id: entry.id });
  }

  /**
   * Reclaimed entries go first into free slots: they have waited longest. Without this a worker
   * busy with a backlog would hold them until the backlog is gone.
   */
  private dispatchReclaimed(): void {
    while (this.running.size + this.reservedForReads < this.concurrency && this.reclaimed.length > 0 && !this.closing) {
      const { entry, group, deliveryCount } = this.reclaimed.shift() as ReclaimedForDispatch;
      this.dispatch(entry, group, deliveryCount);
    }
  }

  /**
   * Acks after the handler succeeded (unless it settled the entry itself). A handler that throws
   * leaves the entry pending: a peer's reclaim sweep retries it, and its delivery count grows.
   */
  private async handle(entry: StreamEntry, context: RedisStreamsContext): Promise<void> {
    const binding = this.bindings.get(entry.stream);
    if (!binding) {
      this.log.error({ stream: entry.stream, entryId: entry.id }, 'no handler for stream; entry left pending');
      return;
    }
    const stopTimer = binding.handlerSeconds.startTimer();
    try {
      await lastValueFrom(this.transformToObservable(await binding.handler(entry, context)), { defaultValue: undefined });
      if (!context.isSettled()) await this.acks?.ack(entry.stream, context.getGroup(), entry.id);
      binding.acked.inc();
    } catch (error) {
      binding.leftPending.inc();
      this.log.warn({ err: errorMessage(error), stream: entry.stream, entryId: entry.id }, 'handler failed; entry left pending');
    } finally {
      stopTimer();
    }
  }

  /** Waits until a slot is free that no reclaimed entry is waiting for. */
  private async waitForFreeSlot(): Promise<void> {
    while (this.inFlight + this.reservedForReads + this.reclaimed.length >= this.concurrency && !this.closing) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
  }

  private startPresence(groups: string[]): void {
    const keyFor = this.options.presenceKeyFor;
    if (!keyFor) return;
    const beat = () => {
      const pipeline = (this.commands as Redis).pipeline();
      for (const group of groups) pipeline.zadd(keyFor(group), Date.now(), this.options.consumer);
      pipeline.exec().catch(() => undefined);
    };
    beat();
    this.presenceTimer = setInterval(beat, this.options.presenceIntervalMs ?? 2000);
    this.presenceTimer.unref();
  }

  /**
   * The drain, bounded: with Redis unreachable, a command can wait in the offline queue forever,
   * so past the drain timeout (plus a margin for the acks) the connections are simply dropped.
   * Entries still pending then stay pending for peers: nothing is lost, the process just exits.
   */
  private async drainAndDisconnect(): Promise<void> {
    const finished = await settleWithin([this.drain()], (this.options.drainTimeoutMs ?? 10_000) + DRAIN_MARGIN_MS);
    if (finished) return;
    this.log.warn('drain did not finish in time (Redis unreachable?); dropping the connections');
    this.releasingLeases.abort();
    for (const reader of this.readers.keys()) reader.disconnect();
    this.commands?.disconnect();
  }

  private async drain(): Promise<void> {
    this.stopping.abort();
    clearInterval(this.presenceTimer);
    this.slotWaiters.splice(0).forEach((wake) => wake());
    // Claimed but not started: left pending, so a peer reclaims them once their lease lapses.
    this.reclaimed.length = 0;
    await this.unblockReaders();
    await Promise.allSettled(this.loops);
    const drained = await settleWithin([...this.running.keys()], this.options.drainTimeoutMs ?? 10_000);
    this.releasingLeases.abort();
    await this.leaseRenewal;
    if (!drained) {
      this.log.warn({ inFlight: this.inFlight }, 'drain timed out; unfinished entries stay pending for peers to reclaim');
    }
    await this.acks?.settle();
    await this.leaveGroups(drained);
    for (const reader of this.readers.keys()) reader.disconnect();
    if (this.commands) await closeRedis(this.commands);
    this.log.info('stopped consuming');
  }

  /** Ends blocked reads at once (they return nothing); the read loops go round again. */
  private async wakeReaders(): Promise<void> {
    for (const clientId of this.readers.values()) {
      const id = await clientId.catch(() => undefined);
      if (id !== undefined) await this.commands?.client('UNBLOCK', id, 'TIMEOUT').catch(() => undefined);
    }
  }

  private async unblockReaders(): Promise<void> {
    for (const [reader, clientId] of this.readers) {
      const id = await clientId.catch(() => undefined);
      if (id === undefined || !this.commands || this.commands.status !== 'ready') {
        reader.disconnect();
        continue;
      }
      await this.commands.client('UNBLOCK', id, 'TIMEOUT').catch(() => reader.disconnect());
    }
  }

  /** Leaves presence, and the groups where this consumer holds nothing pending. */
  private async leaveGroups(drained: boolean): Promise<void> {
    const commands = this.commands;
    if (!commands || commands.status !== 'ready') return;
    const { consumer, presenceKeyFor } = this.options;
    for (const stream of this.messageHandlers.keys()) {
      const group = this.options.groupFor(stream);
      if (presenceKeyFor) await commands.zrem(presenceKeyFor(group), consumer).catch(() => undefined);
      if (!drained) continue;
      const summary = (await commands.xpending(stream, group, '-', '+', 1, consumer).catch(() => [null])) as unknown[];
      // XGROUP DELCONSUMER would drop the consumer's pending entries; only leave when it holds none.
      if (summary.length === 0) await commands.xgroup('DELCONSUMER', stream, group, consumer).catch(() => undefined);
    }
  }
}

async function settleWithin(work: Promise<unknown>[], timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const finished = await Promise.race([Promise.allSettled(work).then(() => true as const), timeout]);
  clearTimeout(timer);
  return finished;
}
