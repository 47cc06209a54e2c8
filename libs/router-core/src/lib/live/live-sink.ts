import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { counter, gauge } from '@streamscribe/observability';
import type { LiveEvent } from './live-event';

export const liveFeedMetrics = {
  open: gauge({
    name: 'streamscribe_live_feeds_open',
    help: 'Live result feeds open on this router, by transport',
    labelNames: ['transport'] as const,
  }),
  dropped: counter({
    name: 'streamscribe_live_feeds_dropped_total',
    help: 'Live feeds the router ended because the client did not keep up, by transport and reason',
    labelNames: ['transport', 'reason'] as const,
  }),
  refused: counter({
    name: 'streamscribe_live_feeds_refused_total',
    help: 'Live feeds refused by a cap, by transport and code',
    labelNames: ['transport', 'code'] as const,
  }),
};

/** Why a feed was dropped: its buffer stayed full past LIVE_SLOW_READER_MS, or outgrew LIVE_MAX_BUFFERED_BYTES. */
export type DropReason = 'slow_reader' | 'buffer_full';

export interface SlowReaderLimits {
  slowReaderMs: number;
  maxBufferedBytes: number;
}

/** Where a feed's messages go: an SSE response or a WebSocket, with their flow control. */
export interface LiveSink {
  /** Queues one message; false when the peer's buffer is past its high-water mark. */
  send(message: string): boolean;
  /** Bytes queued but not yet handed to the OS. */
  buffered(): number;
  /** True once the buffer drained; false after timeoutMs or when the peer went away. */
  drained(timeoutMs: number): Promise<boolean>;
}

/**
 * Sends a feed's events to a sink, taking the next event only when the sink has room: a client
 * that does not read costs one event plus the socket's buffers, never a queue. A client whose
 * buffer stays full past `slowReaderMs`, or outgrows `maxBufferedBytes`, is dropped.
 */
export async function pumpFeed(
  events: AsyncIterable<LiveEvent>,
  sink: LiveSink,
  encode: (event: LiveEvent) => string,
  limits: SlowReaderLimits,
): Promise<DropReason | undefined> {
  for await (const event of events) {
    const roomLeft = sink.send(encode(event));
    if (sink.buffered() > limits.maxBufferedBytes) return 'buffer_full';
    if (!roomLeft && !(await sink.drained(limits.slowReaderMs))) return 'slow_reader';
  }
  return undefined;
}

/** A Server-Sent Events response as a sink: `write()`'s answer and 'drain' are its flow control. */
export function sseSink(response: ServerResponse): LiveSink {
  return {
    send: (message) => response.write(message),
    buffered: () => response.writableLength,
    drained: (timeoutMs) =>
      new Promise((resolve) => {
        if (!response.writableNeedDrain) return resolve(true);
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          response.off('drain', onDrain);
          response.off('close', onClose);
          resolve(ok);
        };
        const onDrain = () => finish(true);
        const onClose = () => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        response.on('drain', onDrain);
        response.on('close', onClose);
      }),
  };
}

/** Past this many unsent bytes a WebSocket counts as full (ws has no write() answer of its own). */
const WS_HIGH_WATER_BYTES = 64 * 1024;

/**
 * A WebSocket as a sink: `bufferedAmount` is its fill level; the callback of the last send, which
 * ws calls once that message reached the OS, says it drained.
 */
export function webSocketSink(socket: WebSocket): LiveSink {
  let lastFlushed: Promise<void> = Promise.resolve();
  return {
    send: (message) => {
      lastFlushed = new Promise((resolve) => socket.send(message, () => resolve()));
      return socket.bufferedAmount < WS_HIGH_WATER_BYTES;
    },
    buffered: () => socket.bufferedAmount,
    drained: (timeoutMs) =>
      new Promise((resolve) => {
        const finish = (ok: boolean) => {
          clearTimeout(timer);
          socket.off('close', onClose);
          resolve(ok);
        };
        const onClose = () => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        socket.on('close', onClose);
        void lastFlushed.then(() => finish(true));
      }),
  };
}
