import type Redis from 'ioredis';
import { fieldsFromFlat } from '@streamscribe/contracts';
import { Logger } from '@streamscribe/observability';
import {
  RedisTlsOptions,
  RedisTopology,
  createRedisConnection,
  ensureGroup,
  isClusterClient,
  isNoGroupError,
} from '@streamscribe/redis';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { errorMessage, sleep } from './loop-utils';
import { ReaderId, ReaderSlots } from './slot-gate';
import { transportMetrics } from './transport-metrics';

export interface GroupReaderOptions {
  url: string;
  tls: RedisTlsOptions | undefined;
  topology: RedisTopology;
  consumer: string;
  group: string;
  /** Streams read together: they share a hash slot tag (`readLanesOf`), or there is only one. */
  streams: string[];
  blockMs: number;
  /** For acks and group management; never blocked, so it can CLIENT UNBLOCK the reader. */
  commands: Redis;
  gate: ReaderSlots;
  /** Aborted by close(): the loop stops, and a backoff sleep ends at once. */
  stopping: AbortSignal;
  /** Starts a handler on a new entry (at once: the gate counts it from then on). */
  deliver: (entry: StreamEntry) => void;
  /** Backoff before the next read after `failures` failed ones in a row, in ms. */
  retryDelayMs: (failures: number) => number;
  /** Opened connections are handed here, so the server's `on()` listeners and status see them. */
  watch: (client: Redis) => Redis;
  log: Logger;
}

type XReadGroupReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/**
 * One blocking XREADGROUP loop of a consumer group, over streams that share a hash slot (a
 * multi-key read must stay in one Cluster slot: one reader per partition), on its own connection,
 * so a blocked read never delays an ack. It reads only into slots the gate reserved for it.
 */
export class GroupReader {
  /** This loop's place at the gate: its reservations and its turn. */
  readonly id: ReaderId;
  private readonly connection: Redis;
  /** Lets wake() end a blocked XREADGROUP with CLIENT UNBLOCK; unknown until the connection says. */
  private clientId?: number;
  private refusalReported = false;

  constructor(private readonly options: GroupReaderOptions) {
    const { url, tls, topology, consumer, log } = options;
    this.id = options.gate.addReader();
    // Exported at 0 from the start: a dashboard shows "no read errors" rather than no data, and
    // the first failure is an increase Prometheus can see (a series born at 1 has none).
    transportMetrics.readErrors.inc({ group: options.group }, 0);
    this.connection = options.watch(
      createRedisConnection(url, { name: `${consumer}:reader`, logger: log, tls, topology }),
    );
    // Asked before the first XREADGROUP is queued, so the answer never waits behind a blocked read.
    this.learnClientId();
    let connectedBefore = false;
    // A reconnected client has a new id: UNBLOCK with the old one would do nothing, or end another
    // client's read. (After a reconnect the answer may wait behind a resent read, up to blockMs.)
    this.connection.on('ready', () => {
      if (connectedBefore) this.learnClientId();
      connectedBefore = true;
    });
  }

  /**
   * On Redis Cluster the id is never learnt, so wake() falls back as when it is refused: a client
   * id names a connection on one node, and the Cluster client would send CLIENT ID and CLIENT
   * UNBLOCK each to whichever node it picks (neither has a key), so the UNBLOCK could end another
   * client's read on another node. There a blocked read ends within blockMs, and a drain drops it.
   */
  private learnClientId(): void {
    this.clientId = undefined;
    if (isClusterClient(this.connection)) return;
    (this.connection.client('ID') as Promise<number>).then(
      (id) => (this.clientId = id),
      (error: unknown) => this.warnOnceIfRefused(error),
    );
  }

  /**
   * An ACL user without `+client|id` (docs/security.md, securing Redis, grants it with `+client|unblock`):
   * the transport still works, but a drain ends the blocked read by dropping the connection, and
   * reclaimed entries may wait up to blockMs for the slots a read holds. Said once per reader.
   */
  private warnOnceIfRefused(error: unknown): void {
    if (this.refusalReported || !/NOPERM/.test(errorMessage(error))) return;
    this.refusalReported = true;
    this.options.log.warn(
      { group: this.options.group, err: errorMessage(error) },
      'CLIENT ID refused by the Redis ACL: blocked reads cannot be woken (drain drops the connection instead); grant +client|id +client|unblock',
    );
  }

  get redis(): Redis {
    return this.connection;
  }

  async run(): Promise<void> {
    const { group, consumer, streams, blockMs, gate, stopping } = this.options;
    let failures = 0;
    while (!stopping.aborted) {
      const count = await gate.reserveForRead(this.id);
      if (stopping.aborted || count === 0) {
        gate.endRead(this.id, 0);
        break;
      }
      let reply: XReadGroupReply;
      try {
        reply = (await this.connection.callBuffer(
          'XREADGROUP',
          'GROUP',
          group,
          consumer,
          'COUNT',
          count,
          'BLOCK',
          blockMs,
          'STREAMS',
          ...streams,
          ...streams.map(() => '>'),
        )) as XReadGroupReply;
        failures = 0;
      } catch (error) {
        gate.endRead(this.id, 0);
        if (stopping.aborted) break;
        failures += 1;
        await this.recoverFromReadError(error, failures);
        continue;
      }
      // Started before the reservation ends: the slots it held pass to the entries it returned.
      let delivered = 0;
      for (const [stream, entries] of reply ?? []) {
        for (const [id, flat] of entries) {
          this.options.deliver({
            stream: stream.toString(),
            id: id.toString(),
            fields: fieldsFromFlat(flat),
          });
          delivered += 1;
        }
      }
      gate.endRead(this.id, delivered);
    }
  }

  /**
   * Ends a blocked XREADGROUP now (it returns nothing; the loop goes round again) with CLIENT
   * UNBLOCK from the commands connection. When that cannot be done (the reader not connected, its
   * id unknown, the commands connection down): a stopping server drops the reader's connection,
   * since nothing else would end the read; a running one leaves it, as the read ends by itself
   * within blockMs, and dropping a connection that is coming back would only restart its reconnect.
   */
  async wake(): Promise<void> {
    const { commands, stopping } = this.options;
    const cannot = () => {
      if (stopping.aborted) this.connection.disconnect();
    };
    const id = this.clientId;
    if (id === undefined || this.connection.status !== 'ready' || commands.status !== 'ready')
      return cannot();
    await commands.client('UNBLOCK', id, 'TIMEOUT').catch(cannot);
  }

  disconnect(): void {
    this.connection.disconnect();
  }

  private async recoverFromReadError(error: unknown, failures: number): Promise<void> {
    const { group, streams, commands, stopping, log, retryDelayMs } = this.options;
    if (isNoGroupError(error)) {
      // The stream or group vanished (Redis restarted without persistence, or someone deleted it).
      log.warn({ group }, 'consumer group missing; recreating it');
      const recreated = await Promise.all(streams.map((stream) => ensureGroup(commands, stream, group))).then(
        () => true,
        () => false,
      );
      if (!recreated) await sleep(retryDelayMs(failures), stopping);
      return;
    }
    transportMetrics.readErrors.inc({ group });
    if (failures === 1)
      log.warn({ err: errorMessage(error), group }, 'XREADGROUP failed; retrying with backoff');
    await sleep(retryDelayMs(failures), stopping);
  }
}
