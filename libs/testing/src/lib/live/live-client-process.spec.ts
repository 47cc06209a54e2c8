import type { IncomingMessage } from 'node:http';
import { WebSocketServer } from 'ws';
import { LiveClientProcess } from './live-client-process';
import type { LiveClientConfig } from './live-client-protocol';
import { liveConversation } from './live-conversation';
import { judgeLiveFinals, percentiles } from './live-verdict';
import { SpokenWordDetector, spokenScript } from './spoken-words';

jest.setTimeout(60_000);

/**
 * The smallest server of Deepgram's live protocol that "hears" spoken-word audio: one final per
 * word as soon as the word's last byte arrived, Metadata and close 1000 on CloseStream. Enough
 * to check the client process end to end (the real fakes are FakeDeepgramServer's).
 */
async function wordServer(): Promise<{ url: string; requests: IncomingMessage[]; close(): Promise<void> }> {
  const requests: IncomingMessage[] = [];
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => {
    requests.push(request);
    const detector = new SpokenWordDetector();
    const pending: Array<{ word: string; startMs: number; endMs: number }> = [];
    socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type === 'CloseStream') {
          socket.send(
            JSON.stringify({ type: 'Metadata', request_id: 'r', duration: detector.heardMs / 1000 }),
          );
          socket.close(1000);
        }
        return;
      }
      pending.push(...detector.push(data as Buffer));
      while (pending.length && pending[0].endMs <= detector.heardMs) {
        const w = pending.shift() as { word: string; startMs: number; endMs: number };
        const word = { word: w.word, start: w.startMs / 1000, end: w.endMs / 1000, confidence: 1 };
        socket.send(
          JSON.stringify({
            type: 'Results',
            is_final: true,
            speech_final: false,
            start: word.start,
            duration: word.end - word.start,
            channel: { alternatives: [{ transcript: w.word, confidence: 1, words: [word] }] },
          }),
        );
      }
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

describe('LiveClientProcess (the official Deepgram SDK live client in its own process)', () => {
  it('streams the script in 100 ms frames and measures each result against the frame that carried its end', async () => {
    const server = await wordServer();
    const utterances = liveConversation(3, 7, { words: [2, 3], pauseMs: [300, 400] });
    const config: LiveClientConfig = {
      url: server.url,
      apiKey: 'client-key',
      query: { model: 'nova-3', encoding: 'linear16', sample_rate: '16000', interim_results: 'true' },
      streams: 2,
      script: { utterances },
      sampleRate: 16000,
      frameMs: 100,
      pace: 2,
      reportFrames: true,
      closeTimeoutMs: 5000,
    };
    const client = LiveClientProcess.start(config);
    try {
      expect(await client.finished(40_000)).toBe(0);
      const { words, pcm } = spokenScript(utterances);
      const frames = Math.ceil(pcm.length / 3200);
      expect(server.requests).toHaveLength(2);
      for (const request of server.requests) {
        expect(request.headers.authorization).toBe('Token client-key');
        expect(request.url).toContain('interim_results=true');
        expect(request.url).toContain('model=nova-3');
      }
      for (const s of [0, 1]) {
        const verdict = judgeLiveFinals(words, client.results(s), 1);
        expect(verdict.problems).toEqual([]);
        expect(verdict.matched).toBe(words.length);
        expect(client.lines.filter((l) => l.s === s && l.ev === 'frame')).toHaveLength(frames);
        expect(client.lines.find((l) => l.s === s && l.ev === 'close')).toMatchObject({ code: 1000 });
        expect(client.lines.find((l) => l.s === s && l.ev === 'message')).toMatchObject({ type: 'Metadata' });
        const latencies = client.results(s).map((r) => r.latencyMs);
        expect(latencies.every((ms) => typeof ms === 'number' && ms >= 0)).toBe(true);
        expect(percentiles(latencies as number[]).count).toBe(words.length);
      }
    } finally {
      await client.stop();
      await server.close();
    }
  });
});
