import { NotFoundException } from '@nestjs/common';
import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { DEFAULT_TENANT, KeyScheme } from '@streamscribe/contracts';
import { fuzzParameters } from '@streamscribe/fuzzing';
import { streamToWebSocket } from './live-transports';
import { SessionEventFeed } from './session-event.feed';

const keys = new KeyScheme();

/** What a socket was told: messages sent, and how it was closed. */
class RecordingSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closed?: { code: number; reason: string };
  terminated = false;
  private readonly listeners = new Map<string, Array<() => void>>();

  on(event: string, listener: () => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  ping(): void {
    // no peer
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    // As ws does: a reason over 123 bytes is an error, not a cut.
    if (Buffer.byteLength(reason) > 123)
      throw new RangeError('The message must not be greater than 123 bytes');
    this.closed = { code, reason };
    this.end();
  }
  terminate(): void {
    this.terminated = true;
    this.end();
  }
  private end(): void {
    this.readyState = 3;
    for (const listener of this.listeners.get('close') ?? []) listener();
  }
}

/** A feed where sessions named `known*` exist and hold one event; every other session is unknown. */
const feed = {
  caps: { admit: () => ({ release: () => undefined }) },
  slowReaderLimits: { slowReaderMs: 10_000, maxBufferedBytes: 1 << 20 },
  assertExists: async ({ sessionId }: { sessionId: string }) => {
    if (!sessionId.startsWith('known')) throw new NotFoundException(`no session '${sessionId}'`);
  },
  async *events() {
    yield { event: 'final', data: { complete: true } };
  },
} as unknown as SessionEventFeed;

/** Request URLs a client could open: the path with any query, ids and resume points at the edges. */
const urlArb = fc.oneof(
  fc
    .record({
      sessionId: fc.option(
        fc.oneof(
          fc.constantFrom(
            'known-1',
            'unknown',
            'all',
            '',
            '..',
            'known/../x',
            '%00',
            '%FF%FE',
            'é'.repeat(130),
          ),
          fc.string({ maxLength: 150 }),
          fc.string({ unit: 'binary', maxLength: 150 }),
        ),
        { nil: undefined },
      ),
      lastEventId: fc.option(
        fc.oneof(
          fc.constantFrom('0', '-1', '9999999999', '99999999999', '1e3', ''),
          fc.string({ maxLength: 12 }),
        ),
        { nil: undefined },
      ),
      extra: fc.string({ maxLength: 30 }),
    })
    .map(({ sessionId, lastEventId, extra }) => {
      const params = new URLSearchParams();
      if (sessionId !== undefined) params.set('sessionId', sessionId);
      if (lastEventId !== undefined) params.set('lastEventId', lastEventId);
      return `/v1/live?${params.toString()}&${extra}`;
    }),
  fc.string({ maxLength: 80 }).map((s) => `/v1/live?${s}`),
  fc.constant(undefined),
);

describe('streamToWebSocket (fuzz)', () => {
  it('any request URL ends in events for a known session or a close saying why, never a throw or a server error', async () => {
    await fc.assert(
      fc.asyncProperty(urlArb, async (url) => {
        const socket = new RecordingSocket();
        await streamToWebSocket(
          feed,
          keys,
          DEFAULT_TENANT,
          socket as unknown as WebSocket,
          { url } as IncomingMessage,
        );
        expect(socket.terminated).toBe(false);
        expect(socket.closed).toBeDefined();
        const { code, reason } = socket.closed as { code: number; reason: string };
        if (code === 1000) expect(socket.sent.map((m) => JSON.parse(m).event)).toEqual(['final']);
        else expect(code).toBe(1008);
        expect(reason).not.toBe('');
      }),
      fuzzParameters(1000, 5_000),
    );
  });
});
