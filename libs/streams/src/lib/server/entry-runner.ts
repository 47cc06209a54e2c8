import type { MessageHandler } from '@nestjs/microservices';
import type Redis from 'ioredis';
import { Observable, lastValueFrom } from 'rxjs';
import { Logger } from '@streamscribe/observability';
import { RedisStreamsContext } from '../ctx-host/redis-streams.context';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { AckBatcher } from './ack-batcher';
import { errorMessage } from './loop-utils';
import { StreamBinding, bindStream } from './transport-metrics';

/**
 * Runs an entry through the Nest handler registered for its stream, and acks it after the handler
 * succeeded (unless it settled the entry itself). A handler that throws leaves the entry pending:
 * a peer's reclaim sweep retries it, and its delivery count grows.
 */
export class EntryRunner {
  /**
   * Per stream, resolved once at start: the handler (Nest's getHandlerByPattern parses the pattern
   * as JSON first, and a stream key is not JSON — per entry that cost about a quarter of the CPU)
   * and the metric children (label sets hashed once, not per entry).
   */
  private readonly bindings = new Map<string, StreamBinding>();
  private readonly acks: AckBatcher;

  constructor(
    commands: Redis,
    /** The server's transformToObservable: a handler may return a value, a promise or an observable. */
    private readonly toObservable: (result: unknown) => Observable<unknown>,
    private readonly log: Logger,
  ) {
    this.acks = new AckBatcher(commands);
  }

  bind(stream: string, group: string, handler: MessageHandler): void {
    this.bindings.set(stream, bindStream(stream, group, handler));
  }

  async run(entry: StreamEntry, context: RedisStreamsContext): Promise<void> {
    const binding = this.bindings.get(entry.stream);
    if (!binding) {
      this.log.error(
        { stream: entry.stream, entryId: entry.id },
        'no handler for stream; entry left pending',
      );
      return;
    }
    const stopTimer = binding.handlerSeconds.startTimer();
    try {
      await lastValueFrom(this.toObservable(await binding.handler(entry, context)), {
        defaultValue: undefined,
      });
      if (!context.isSettled()) await this.acks.ack(entry.stream, context.getGroup(), entry.id);
      binding.acked.inc();
    } catch (error) {
      binding.leftPending.inc();
      this.log.warn(
        { err: errorMessage(error), stream: entry.stream, entryId: entry.id },
        'handler failed; entry left pending',
      );
    } finally {
      stopTimer();
    }
  }

  /** Waits for the acks already queued to be sent. */
  settleAcks(): Promise<void> {
    return this.acks.settle();
  }
}
