import type { LiveEvent } from './live-event';
import { LiveSink, pumpFeed } from './live-sink';

const event = (id: number): LiveEvent => ({
  event: 'gap',
  id: String(id),
  data: { seq: id, through: id, heldMs: 0 },
});

/** A sink whose peer reads `readable` messages, then stops reading. */
function stallingSink(readable: number, bytesPerMessage = 10): LiveSink & { sent: number } {
  const sink = {
    sent: 0,
    send: () => ++sink.sent <= readable,
    buffered: () => Math.max(0, sink.sent - readable) * bytesPerMessage,
    drained: async (timeoutMs: number) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, 5)));
      return false;
    },
  };
  return sink;
}

async function* endless(): AsyncGenerator<LiveEvent> {
  for (let id = 0; ; id++) yield event(id);
}

describe('pumpFeed', () => {
  it('stops taking events from a client that stops reading and drops it as a slow reader', async () => {
    const sink = stallingSink(3);
    const events = endless();
    expect(await pumpFeed(events, sink, JSON.stringify, { slowReaderMs: 5, maxBufferedBytes: 1 << 20 })).toBe(
      'slow_reader',
    );
    // One event past what it read was taken: nothing queued without bound.
    expect(sink.sent).toBe(4);
    expect(await events.next()).toEqual({ done: true, value: undefined }); // the feed was closed
  });

  it('drops at once a client whose unsent bytes pass the bound', async () => {
    let sent = 0;
    const sink: LiveSink = {
      send: () => (sent++, true),
      buffered: () => sent * 2048,
      drained: async () => true,
    };
    expect(
      await pumpFeed(endless(), sink, JSON.stringify, { slowReaderMs: 1000, maxBufferedBytes: 4096 }),
    ).toBe('buffer_full');
    expect(sent).toBe(3);
  });

  it('ends without a drop when the feed ends', async () => {
    async function* three() {
      yield event(0);
      yield event(1);
      yield event(2);
    }
    const messages: string[] = [];
    const sink: LiveSink = {
      send: (m) => (messages.push(m), true),
      buffered: () => 0,
      drained: async () => true,
    };
    expect(
      await pumpFeed(three(), sink, JSON.stringify, { slowReaderMs: 10, maxBufferedBytes: 10 }),
    ).toBeUndefined();
    expect(messages).toHaveLength(3);
  });
});
