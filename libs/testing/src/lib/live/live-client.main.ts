/**
 * The live client process of the live chaos test and the live benchmark: the OFFICIAL
 * @deepgram/sdk live client (`listen.v1.connect`, no reconnects) streaming a spoken-word script
 * (spoken-words.ts) in frames at real-time pace, one or many streams at once, to whatever speaks
 * Deepgram's live protocol at `url` (the router, or the fake Deepgram directly).
 *
 * Run by LiveClientProcess (live-client-process.ts): configuration as JSON in LIVE_CLIENT_CONFIG,
 * one JSON line per observation on stdout (`LiveClientLine`). Every time is ms on this process's
 * clock (epoch ms from performance.timeOrigin + performance.now(), comparable across processes of one
 * machine); a result's latency is measured here, against the send time of the
 * frame that carried the result's last byte, so no clock is compared across processes.
 */
import { DeepgramClient } from '@deepgram/sdk';
import { performance } from 'node:perf_hooks';
import type { LiveClientConfig, LiveClientLine, LiveClientResult } from './live-client-protocol';
import { spokenScript } from './spoken-words';

const config = JSON.parse(process.env['LIVE_CLIENT_CONFIG'] ?? '{}') as LiveClientConfig;

/** Epoch ms, sub-ms resolution: comparable with the parent's `liveClientNow()` on the same machine. */
const now = () => performance.timeOrigin + performance.now();

function emit(line: LiveClientLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function wsBase(url: string): string {
  return url.replace(/^http(s?):\/\//, 'ws$1://');
}

function httpBase(url: string): string {
  return url.replace(/^ws(s?):\/\//, 'http$1://');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function runStream(index: number, pcm: Buffer): Promise<void> {
  const client = new DeepgramClient({
    apiKey: config.apiKey,
    environment: {
      base: httpBase(config.url),
      production: wsBase(config.url),
      agent: wsBase(config.url),
      agentRest: httpBase(config.url),
    },
  });
  const frameBytes = Math.round((config.sampleRate * 2 * config.frameMs) / 1000);
  const frames = Math.ceil(pcm.length / frameBytes);
  const sentAt: number[] = [];
  let closed: ((code: number) => void) | undefined;
  const closedCode = new Promise<number>((resolve) => (closed = resolve));
  let socketClosed = false;

  const socket = await client.listen.v1.connect({
    model: (config.query['model'] as string | undefined) ?? 'nova-3',
    queryParams: config.query,
    Authorization: `Token ${config.apiKey}`,
    reconnectAttempts: 0,
    connectionTimeoutInSeconds: 30,
  });
  socket.on('message', (message) => {
    const t = now();
    const raw = message as unknown as Record<string, unknown>;
    if (raw['type'] !== 'Results') {
      emit({ t, s: index, ev: 'message', type: String(raw['type']), raw });
      return;
    }
    const r = message as unknown as {
      is_final?: boolean;
      speech_final?: boolean;
      from_finalize?: boolean;
      start: number;
      duration: number;
      channel: {
        alternatives: Array<{
          transcript: string;
          words: Array<{ word: string; start: number; end: number }>;
        }>;
      };
      streamscribe?: Record<string, unknown>;
    };
    const alternative = r.channel?.alternatives?.[0];
    const endMs = (r.start + r.duration) * 1000;
    // The frame that carried the result's last byte (a result never ends beyond what was sent).
    const frame = Math.min(Math.max(Math.ceil(endMs / config.frameMs) - 1, 0), sentAt.length - 1);
    const result: LiveClientResult = {
      isFinal: r.is_final === true,
      speechFinal: r.speech_final === true,
      fromFinalize: r.from_finalize === true,
      start: r.start,
      duration: r.duration,
      transcript: alternative?.transcript ?? '',
      words: (alternative?.words ?? []).map((w) => ({ word: w.word, start: w.start, end: w.end })),
      latencyMs: frame >= 0 && sentAt[frame] !== undefined ? t - sentAt[frame] : undefined,
      streamscribe: r.streamscribe,
    };
    emit({ t, s: index, ev: 'result', result });
  });
  socket.on('close', (event) => {
    socketClosed = true;
    const e = event as unknown as { code?: number; reason?: string };
    emit({ t: now(), s: index, ev: 'close', code: e.code ?? 0, reason: e.reason ?? '' });
    closed?.(e.code ?? 0);
  });
  socket.on('error', (error) => emit({ t: now(), s: index, ev: 'error', message: (error as Error).message }));
  socket.connect();
  await socket.waitForOpen();
  emit({ t: now(), s: index, ev: 'open' });

  const t0 = now();
  for (let i = 0; i < frames && !socketClosed; i++) {
    await sleep(t0 + (i * config.frameMs) / config.pace - now());
    const frame = pcm.subarray(i * frameBytes, Math.min((i + 1) * frameBytes, pcm.length));
    socket.sendMedia(frame);
    sentAt[i] = now();
    if (config.reportFrames)
      emit({ t: sentAt[i], s: index, ev: 'frame', frame: i, audioMs: (i + 1) * config.frameMs });
  }
  if (!socketClosed) {
    emit({ t: now(), s: index, ev: 'sent', frames });
    socket.sendCloseStream({ type: 'CloseStream' });
  }
  const code = await Promise.race([closedCode, sleep(config.closeTimeoutMs).then(() => -1)]);
  if (code === -1) {
    emit({ t: now(), s: index, ev: 'error', message: `no close within ${config.closeTimeoutMs} ms` });
    socket.close();
  }
}

async function main(): Promise<void> {
  const { pcm } = spokenScript(config.script.utterances, config.script.options);
  emit({ t: now(), s: -1, ev: 'ready' });
  await Promise.all(
    Array.from({ length: config.streams }, async (_, i) => {
      // Spread the streams' frame clocks over one frame, as independent callers would be.
      await sleep((i * config.frameMs) / Math.max(config.streams, 1));
      try {
        await runStream(i, pcm);
      } catch (error) {
        emit({ t: now(), s: i, ev: 'error', message: (error as Error).message });
      }
    }),
  );
  emit({ t: now(), s: -1, ev: 'done' });
}

main().then(
  () => process.exit(0),
  (error) => {
    emit({ t: now(), s: -1, ev: 'error', message: String(error) });
    process.exit(1);
  },
);
