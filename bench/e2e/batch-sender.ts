import { Agent, request } from 'node:http';
import { CHUNK_BATCH_MEDIA_TYPE, encodeChunkBatch } from '@streamscribe/client';
import { SendChunk } from './load';

interface Waiting {
  chunkId: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The bulk path as the load generator sees it: each chunk is handed over one by one (so runLoad
 * measures it like the others, from its hand-over to its result), and chunks of the same session
 * are sent together, `batchSize` per `POST /v1/sessions/{id}/chunks/batch` (binary frames, the
 * SDK's encoder). A session's partial batch goes at the end of the current tick. Each chunk's
 * send resolves when its batch was answered 200 with that chunk accepted.
 */
export function batchingSender(options: {
  agent: Agent;
  port: number;
  /** A stored API key, sent as a Bearer token. */
  apiKey: string;
  chunk: Buffer;
  batchSize: number;
  sessionOf: (i: number) => string;
}): SendChunk {
  const pending = new Map<string, Waiting[]>();
  let flushScheduled = false;
  const flush = (sessionId: string) => {
    const waiting = pending.get(sessionId);
    if (!waiting?.length) return;
    pending.delete(sessionId);
    postBatch(options, sessionId, waiting).then(
      () => waiting.forEach((w) => w.resolve()),
      (error: Error) => waiting.forEach((w) => w.reject(error)),
    );
  };
  return (i) =>
    new Promise((resolve, reject) => {
      const sessionId = options.sessionOf(i);
      const chunkId = `c${i}`;
      const waiting = pending.get(sessionId) ?? [];
      pending.set(sessionId, waiting);
      waiting.push({ chunkId, resolve: () => resolve({ sessionId, chunkId }), reject });
      if (waiting.length >= options.batchSize) flush(sessionId);
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(() => {
          flushScheduled = false;
          for (const session of [...pending.keys()]) flush(session);
        });
      }
    });
}

function postBatch(
  { agent, port, apiKey, chunk }: { agent: Agent; port: number; apiKey: string; chunk: Buffer },
  sessionId: string,
  waiting: readonly Waiting[],
): Promise<void> {
  const body = encodeChunkBatch(waiting.map(({ chunkId }) => ({ audio: chunk, chunkId })));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/v1/sessions/${sessionId}/chunks/batch`,
        headers: {
          'content-type': CHUNK_BATCH_MEDIA_TYPE,
          'content-length': body.length,
          authorization: `Bearer ${apiKey}`,
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          if (res.statusCode !== 200)
            return reject(
              new Error(`HTTP ${res.statusCode}: ${Buffer.concat(parts).toString().slice(0, 200)}`),
            );
          const { accepted } = JSON.parse(Buffer.concat(parts).toString()) as { accepted: number };
          if (accepted !== waiting.length) return reject(new Error(`${accepted}/${waiting.length} accepted`));
          resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
