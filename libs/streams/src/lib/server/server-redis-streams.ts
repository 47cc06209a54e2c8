import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type Redis from 'ioredis';
import { Logger } from '@streamscribe/observability';
import { closeRedis, createRedisConnection, reconnectDelayMs } from '@streamscribe/redis';
import { RedisStreamsContext } from '../ctx-host/redis-streams.context';
import {
  ReclaimOptions,
  RedisStreamsServerOptions,
} from '../interfaces/redis-streams-server-options.interface';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { ConnectionEvents, RedisStreamsEvents, RedisStreamsStatus } from './connection-events';
import { EntryRunner } from './entry-runner';
import { GroupMembership } from './group-membership';
import { GroupReader } from './group-reader';
import { LeaseKeeper } from './lease-keeper';
import { settleWithin } from './loop-utils';
import { readLanesOf } from './read-lanes';
import { ReclaimSweeper, ReclaimedForDispatch, reportReclaimedStart } from './reclaim-sweeper';
import { SlotGate } from './slot-gate';
import { maintainStreams } from './stream-maintenance';

export const REDIS_STREAMS_TRANSPORT = Symbol('REDIS_STREAMS_TRANSPORT');

/** How long past the drain timeout the acks, group leave and QUIT may take. */
const DRAIN_MARGIN_MS = 5000;

/**
 * Nest transport over Redis Streams consumer groups. Handlers are registered by stream key
 * (`@EventPattern('audio:stream:deepgram')`, or every partition's key); each group gets one
 * blocking XREADGROUP loop per hash slot tag (one per partition: a multi-key read must stay in one
 * Cluster slot), each on its own connection, while acknowledgements, heartbeats and group
 * management use another, so a blocked read never delays an ack. At most `concurrency` entries are
 * in flight per process, shared fairly by the loops (SlotGate), and an entry is acknowledged only
 * after its handler completed without error.
 */
export class ServerRedisStreams
  extends Server<RedisStreamsEvents, RedisStreamsStatus>
  implements CustomTransportStrategy
{
  override readonly transportId = REDIS_STREAMS_TRANSPORT;
  private readonly concurrency: number;
  private readonly blockMs: number;
  private readonly log: Logger;
  private commands?: Redis;
  private runner?: EntryRunner;
  private membership?: GroupMembership;
  private readonly readers: GroupReader[] = [];
  private readonly loops: Promise<void>[] = [];
  private readonly leases: LeaseKeeper;
  private readonly gate: SlotGate<ReclaimedForDispatch>;
  private readonly connections = new ConnectionEvents((status) => this._status$.next(status));
  private closing?: Promise<void>;
  /** Aborted by close(): loops stop, and their sleeps (sweep interval, backoff) end at once. */
  private readonly stopping = new AbortController();

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
    this.leases = new LeaseKeeper(options.consumer, this.log);
    this.gate = new SlotGate({
      concurrency: this.concurrency,
      inFlight: () => this.leases.size,
      startReclaimed: (reclaimed) => this.startReclaimed(reclaimed),
      wakeReader: (id) => void this.readers.find((reader) => reader.id === id)?.wake(),
    });
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  /** Stops reading, lets in-flight handlers finish (up to drainTimeoutMs), then disconnects. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.drainAndDisconnect();
    return this.closing;
  }

  /**
   * Listens to an ioredis event on every connection of this server, those opened later included;
   * the listener hears which connection it came from. Connection status as a whole is `status`.
   */
  on<Event extends keyof RedisStreamsEvents>(event: Event, listener: RedisStreamsEvents[Event]): void {
    this.connections.on(event, listener);
  }

  unwrap<T>(): T {
    return { commands: this.commands, readers: this.readers.map((reader) => reader.redis) } as T;
  }

  /** Entries being handled right now by this process. */
  get inFlight(): number {
    return this.leases.size;
  }

  /** Backoff before reading again after `failures` failed reads in a row, in ms. */
  protected readRetryDelayMs(failures: number): number {
    return reconnectDelayMs(failures);
  }

  private async start(): Promise<void> {
    const { url, consumer, reclaim, maintenance, presenceKeyFor } = this.options;
    const commands = createRedisConnection(url, {
      name: `${consumer}:commands`,
      logger: this.log,
      tls: this.options.tls,
      topology: this.options.topology,
    });
    this.commands = this.connections.watch(commands, 'commands');
    const runner = new EntryRunner(commands, (result) => this.transformToObservable(result), this.log);
    this.runner = runner;
    const stopping = this.stopping.signal;
    const { groupFor } = this.options;
    this.membership = new GroupMembership({
      commands,
      consumer,
      groupFor,
      presenceKeyFor,
      stopping,
      log: this.log,
    });
    const streamsByGroup = new Map<string, string[]>();
    for (const stream of this.messageHandlers.keys()) {
      const group = groupFor(stream);
      const handler = this.getHandlerByPattern(stream);
      if (handler) runner.bind(stream, group, handler);
      streamsByGroup.set(group, [...(streamsByGroup.get(group) ?? []), stream]);
    }
    for (const [group, streams] of streamsByGroup) {
      await this.membership.join(group, streams);
      if (this.closing) return;
    }
    // Every reader joins the gate before any reads, so the first does not take every slot.
    for (const [group, streams] of streamsByGroup) {
      for (const lane of readLanesOf(streams)) this.addReader(group, lane);
    }
    for (const reader of this.readers) this.loops.push(reader.run());
    if (this.readers.length > this.concurrency) {
      this.log.warn(
        { readers: this.readers.length, concurrency: this.concurrency },
        'fewer slots than blocking reads (partitions): some partitions wait for a slot, up to the block time per turn; raise the concurrency',
      );
    }
    this.membership.startHeartbeat([...streamsByGroup.keys()], this.options.presenceIntervalMs ?? 2000);
    if (reclaim) this.startReclaiming(commands, streamsByGroup);
    if (maintenance) {
      const keep = { commands, presenceKeyFor, log: this.log, stopping };
      this.loops.push(maintainStreams(streamsByGroup, maintenance, keep));
    }
    this.log.info(
      {
        groups: Object.fromEntries(streamsByGroup),
        readers: this.readers.length,
        concurrency: this.concurrency,
      },
      'consuming',
    );
  }

  /** Claims what stopped consumers left pending, and keeps this consumer's own entries from looking so. */
  private startReclaiming(commands: Redis, streamsByGroup: Map<string, string[]>): void {
    const reclaim = this.options.reclaim as ReclaimOptions;
    const sweeper = new ReclaimSweeper({
      commands,
      consumer: this.options.consumer,
      reclaim,
      gate: this.gate,
      presenceKeyFor: this.options.presenceKeyFor,
      presenceIntervalMs: this.options.presenceIntervalMs ?? 2000,
      stopping: this.stopping.signal,
      log: this.log,
      wakeReaders: () => this.wakeReaders(),
    });
    this.loops.push(sweeper.run(streamsByGroup));
    const queued = () =>
      this.gate.queued.map(({ entry, group }) => ({ stream: entry.stream, group, id: entry.id }));
    this.leases.start({ commands, minIdleMs: reclaim.minIdleMs, queued });
  }

  private addReader(group: string, streams: string[]): void {
    const reader = new GroupReader({
      url: this.options.url,
      tls: this.options.tls,
      topology: this.options.topology,
      consumer: this.options.consumer,
      group,
      streams,
      blockMs: this.blockMs,
      commands: this.commands as Redis,
      gate: this.gate,
      stopping: this.stopping.signal,
      log: this.log,
      deliver: (entry) => this.dispatch(entry, group, 1),
      retryDelayMs: (failures) => this.readRetryDelayMs(failures),
      watch: (client) => this.connections.watch(client, 'reader'),
    });
    this.readers.push(reader);
  }

  /** Runs one entry through its handler; the read loops and the reclaim sweeper both use this. */
  protected dispatch(entry: StreamEntry, group: string, deliveryCount: number, reclaimed = false): void {
    const context = new RedisStreamsContext([
      entry.stream,
      entry.id,
      group,
      this.options.consumer,
      deliveryCount,
    ]);
    const work = (this.runner as EntryRunner).run(entry, context);
    this.leases.hold({ stream: entry.stream, group, id: entry.id }, work, () =>
      this.gate.handlerFinished(reclaimed),
    );
  }

  /** The gate hands a queued reclaimed entry a slot: it goes ahead of new reads (SlotGate). */
  private startReclaimed(reclaimed: ReclaimedForDispatch): void {
    reportReclaimedStart(reclaimed, this.log);
    this.dispatch(reclaimed.entry, reclaimed.group, reclaimed.deliveryCount, true);
  }

  /** Ends every blocked read at once (they return nothing); the read loops go round again. */
  private async wakeReaders(): Promise<void> {
    for (const reader of this.readers) await reader.wake();
  }

  /**
   * The drain, bounded: with Redis unreachable, a command can wait in the offline queue forever,
   * so past the drain timeout (plus a margin for the acks) the connections are simply dropped.
   * Entries still pending then stay pending for peers: nothing is lost, the process just exits.
   */
  private async drainAndDisconnect(): Promise<void> {
    this.connections.close();
    const finished = await settleWithin(
      [this.drain()],
      (this.options.drainTimeoutMs ?? 10_000) + DRAIN_MARGIN_MS,
    );
    if (finished) return;
    this.log.warn('drain did not finish in time (Redis unreachable?); dropping the connections');
    void this.leases.stop();
    for (const reader of this.readers) reader.disconnect();
    this.commands?.disconnect();
  }

  private async drain(): Promise<void> {
    this.stopping.abort();
    this.membership?.stopHeartbeat();
    // Claimed but not started: left pending, so a peer reclaims them once their lease lapses.
    this.gate.close();
    await this.wakeReaders();
    await Promise.allSettled(this.loops);
    const drained = await this.leases.settle(this.options.drainTimeoutMs ?? 10_000);
    await this.leases.stop();
    if (!drained) {
      this.log.warn(
        { inFlight: this.inFlight },
        'drain timed out; unfinished entries stay pending for peers to reclaim',
      );
    }
    await this.runner?.settleAcks();
    await this.membership?.leave([...this.messageHandlers.keys()], drained);
    for (const reader of this.readers) reader.disconnect();
    if (this.commands) await closeRedis(this.commands);
    this.log.info('stopped consuming');
  }
}
