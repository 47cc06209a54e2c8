import Redis from 'ioredis';
import WebSocket from 'ws';
import { FakeDeepgramServer, speechWav } from '@streamscribe/testing';
import { KEYED, RouterStack, startRouterStack, keyedFetch as fetch } from './testing/router-stack';

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
interface SseEvent {
  id?: string;
  event: string;
  data: Body;
}

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/** Reads Server-Sent Events from a fetch response until `stop` says so (then disconnects) or the stream ends. */
async function readSse(
  response: Response,
  abort: AbortController,
  stop: (events: SseEvent[]) => boolean,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return events;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          frame
            .split('\n')
            .filter((l) => !l.startsWith(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
        );
        if (!fields['event']) continue;
        events.push({ id: fields['id'], event: fields['event'], data: JSON.parse(fields['data']) });
        if (stop(events)) {
          abort.abort();
          return events;
        }
      }
    }
  } catch (error) {
    if (abort.signal.aborted) return events;
    throw error;
  }
}

describe('live results over SSE and WebSocket, end to end', () => {
  let stack: RouterStack;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let base: string;

  beforeAll(async () => {
    stack = await startRouterStack({ worker: { WORKER_CONCURRENCY: '8', WORKER_BLOCK_MS: '100' } });
    ({ redis, deepgram, base } = stack);
  }, 90_000);
  afterAll(() => stack?.close());

  const postChunk = async (sessionId: string, word: string) => {
    const response = await fetch(`${base}/v1/sessions/${sessionId}/chunks`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav(word),
    });
    expect(response.status).toBe(202);
  };
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];

  it('an SSE client that disconnects mid-session and reconnects with Last-Event-ID gets every result exactly once, in order', async () => {
    // Early chunks are slow at the provider, so results land out of audio order.
    let calls = 0;
    deepgram.setLatency(() => (calls++ < 2 ? 500 : 10));
    for (const word of words.slice(0, 5)) await postChunk('live-1', word);

    const first = new AbortController();
    const firstResponse = await fetch(`${base}/v1/sessions/live-1/events`, { signal: first.signal });
    expect(firstResponse.status).toBe(200);
    expect(firstResponse.headers.get('content-type')).toMatch(/text\/event-stream/);
    const before = await readSse(firstResponse, first, (events) => events.length === 3);

    for (const word of words.slice(5)) await postChunk('live-1', word);
    expect((await fetch(`${base}/v1/sessions/live-1/end`, { method: 'POST' })).status).toBe(200);

    const second = new AbortController();
    const lastEventId = before.at(-1)?.id as string;
    const secondResponse = await fetch(`${base}/v1/sessions/live-1/events`, {
      headers: { 'last-event-id': lastEventId },
      signal: second.signal,
    });
    const after = await readSse(secondResponse, second, (events) => events.at(-1)?.event === 'final');

    const results = [...before, ...after].filter((e) => e.event === 'result');
    expect(results.map((e) => e.id)).toEqual(words.map((_, seq) => String(seq)));
    expect(results.map((e) => e.data.text)).toEqual(words);
    // The results really did land out of audio order.
    const landed = (await redis.xrange('transcription:results:live-1', '-', '+')).map(([, f]) =>
      Number(f[f.indexOf('seq') + 1]),
    );
    expect(landed).not.toEqual([...landed].sort((a, b) => a - b));
    expect(after.at(-1)).toEqual({
      event: 'final',
      data: { sessionId: 'live-1', complete: true, chunkCount: 9, failedCount: 0, text: words.join(' ') },
    });
  });

  it('the same feed over WebSocket, resuming after a given event', async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/live?sessionId=live-1&lastEventId=5`, {
      headers: KEYED,
    });
    const messages: Body[] = [];
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    expect(await closed).toBe(1000);
    expect(messages.map((m) => [m.event, m.id])).toEqual([
      ['result', '6'],
      ['result', '7'],
      ['result', '8'],
      ['final', undefined],
    ]);
  });

  it('refuses an unknown session (404) and a malformed Last-Event-ID (400) before streaming', async () => {
    expect((await fetch(`${base}/v1/sessions/nobody/events`)).status).toBe(404);
    const bad = await fetch(`${base}/v1/sessions/live-1/events`, { headers: { 'last-event-id': 'abc' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Body).message).toMatch(/Last-Event-ID/);
    const socket = new WebSocket(`${base.replace('http', 'ws')}/v1/live?sessionId=nobody`, {
      headers: KEYED,
    });
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      socket.on('close', (c, r) => resolve([c, r.toString()])),
    );
    expect(code).toBe(1008);
    expect(reason).toMatch(/no session 'nobody'/);
  });
});
