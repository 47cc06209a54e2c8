import { openSync, readSync, closeSync } from 'node:fs';
import WebSocket from 'ws';
import { Connection } from './api';
import { CliError, EXIT } from './exit-codes';

export interface StreamOptions {
  /** A WAV or raw PCM file, or '-' for raw 16-bit mono PCM on stdin. */
  source: string;
  sampleRate: number;
  /** Send a file as fast as the socket takes it instead of at real-time pace. */
  fast: boolean;
  interim: boolean;
  json: boolean;
  language?: string;
}

interface ResultsMessage {
  type: string;
  is_final?: boolean;
  channel?: { alternatives?: { transcript?: string }[] };
  metadata?: { request_id?: string };
}

const FRAME_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A WAV file's PCM and sample rate (16-bit mono expected); other files are raw PCM. */
function readPcm(path: string, fallbackRate: number): { pcm: Buffer; sampleRate: number } {
  const fd = openSync(path, 'r');
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) chunks.push(Buffer.from(buf.subarray(0, n)));
  closeSync(fd);
  const all = Buffer.concat(chunks);
  if (all.length < 12 || all.toString('ascii', 0, 4) !== 'RIFF' || all.toString('ascii', 8, 12) !== 'WAVE')
    return { pcm: all, sampleRate: fallbackRate };
  let sampleRate = fallbackRate;
  for (let at = 12; at + 8 <= all.length;) {
    const id = all.toString('ascii', at, at + 4);
    const size = all.readUInt32LE(at + 4);
    if (id === 'fmt ') sampleRate = all.readUInt32LE(at + 12);
    if (id === 'data') return { pcm: all.subarray(at + 8, at + 8 + size), sampleRate };
    at += 8 + size + (size % 2);
  }
  throw new CliError(`${path}: a WAV file without a data chunk`, EXIT.failed);
}

/**
 * Streams audio to the router's Deepgram-compatible /v1/listen and prints results as they come:
 * finals as lines (interim ones too with --interim), or one JSON object a line with --json.
 */
export async function stream(
  connection: Connection,
  options: StreamOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const file = options.source === '-' ? undefined : readPcm(options.source, options.sampleRate);
  const sampleRate = file?.sampleRate ?? options.sampleRate;
  const query: Record<string, string> = {
    encoding: 'linear16',
    sample_rate: String(sampleRate),
    channels: '1',
    interim_results: String(options.interim),
  };
  if (options.language) query.language = options.language;
  const url = `${connection.url.replace(/\/+$/, '').replace(/^http/, 'ws')}/v1/listen?${new URLSearchParams(query)}`;
  const socket = new WebSocket(url, {
    headers: connection.key ? { authorization: `Bearer ${connection.key}` } : {},
  });
  let finals = 0;
  let failure: CliError | undefined;
  const closed = new Promise<number>((resolve) => {
    socket.on('close', (code, reason) => {
      if (code !== 1000 && !failure)
        failure = new CliError(`the router closed the stream: ${code} ${reason.toString()}`, EXIT.failed);
      resolve(code);
    });
  });
  socket.on('unexpected-response', (_request, response) => {
    const status = response.statusCode ?? 0;
    failure = new CliError(
      `${status} ${response.statusMessage ?? ''}`.trim(),
      status === 401 || status === 403
        ? EXIT.auth
        : status === 429
          ? EXIT.limited
          : status >= 500
            ? EXIT.unavailable
            : EXIT.failed,
      status,
    );
    socket.terminate();
  });
  socket.on('error', (error) => {
    failure ??= new CliError(
      `cannot stream to ${connection.url}: ${(error as Error).message}`,
      EXIT.unavailable,
    );
  });
  socket.on('message', (data) => {
    let message: ResultsMessage;
    try {
      message = JSON.parse(data.toString()) as ResultsMessage;
    } catch {
      return;
    }
    if (message.type !== 'Results') return;
    const text = message.channel?.alternatives?.[0]?.transcript ?? '';
    if (message.is_final) finals++;
    if (options.json) out.write(`${JSON.stringify(message)}\n`);
    else if (text && message.is_final) out.write(`${text}\n`);
    else if (text && options.interim) out.write(`… ${text}\n`);
  });
  const opened = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('close', () => resolve(false));
  });
  if (!opened) {
    await closed;
    throw failure ?? new CliError('the stream closed before it opened', EXIT.unavailable);
  }
  const frameBytes = Math.round((sampleRate * 2 * FRAME_MS) / 1000);
  if (file) {
    for (let at = 0; at < file.pcm.length && socket.readyState === WebSocket.OPEN; at += frameBytes) {
      socket.send(file.pcm.subarray(at, at + frameBytes));
      await sleep(options.fast ? 2 : FRAME_MS);
    }
  } else {
    // Ctrl-C (or the end of the pipe) ends the stream cleanly: CloseStream, then the last finals.
    const stop = () => process.stdin.destroy();
    process.once('SIGINT', stop);
    try {
      for await (const chunk of process.stdin) {
        if (socket.readyState !== WebSocket.OPEN) break;
        socket.send(chunk as Buffer);
      }
    } catch {
      // stdin destroyed by Ctrl-C
    } finally {
      process.off('SIGINT', stop);
    }
  }
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'CloseStream' }));
  await closed;
  if (failure) throw failure;
  return finals;
}
