import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { HttpException } from '@nestjs/common';
import { KeyScheme, SessionRef, sessionIdProblem } from '@streamscribe/contracts';
import { formatSse, resumePoint } from './live-resume';
import { SessionEventFeed } from './session-event.feed';

const SSE_KEEP_ALIVE_MS = 15_000;
/** A WebSocket peer that does not answer a ping within this long is gone (no FIN ever came). */
const WS_PING_MS = 30_000;
const WS_OPEN = 1;
/** WebSocket close codes: 1000 done, 1008 the request was wrong, 1011 the server failed. */
const WS_NORMAL = 1000;
const WS_POLICY = 1008;
const WS_ERROR = 1011;

/**
 * Streams a session's feed as Server-Sent Events until it is final or the client goes away. The
 * caller has already answered any 4xx (bad id, unknown session) before this writes a header.
 */
export async function streamSse(
  feed: SessionEventFeed,
  session: SessionRef,
  lastSeq: number,
  _request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies that buffer (nginx) would hold events back.
    'x-accel-buffering': 'no',
  });
  response.write('retry: 1000\n\n');
  const abort = new AbortController();
  // The response's close, not the request's: a GET that carried an (empty) body has its request
  // stream consumed already, and that emits 'close' at once.
  response.on('close', () => abort.abort());
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), SSE_KEEP_ALIVE_MS);
  try {
    for await (const event of feed.events(session, lastSeq, abort.signal)) response.write(formatSse(event));
  } catch (error) {
    response.write(formatSse({ event: 'error', data: { message: (error as Error).message } }));
  } finally {
    clearInterval(keepAlive);
    response.end();
  }
}

/**
 * Streams a session of `tenant` (from the upgrade request's `auth`) over a WebSocket
 * (`/v1/live?sessionId=…&lastEventId=…`), one JSON message per event (`{ event, id, data }`), and
 * closes with 1000 after `final`.
 */
export async function streamToWebSocket(
  feed: SessionEventFeed,
  keys: KeyScheme,
  tenant: string,
  socket: WebSocket,
  requestUrl: string | undefined,
): Promise<void> {
  const query = new URL(requestUrl ?? '/', 'http://router').searchParams;
  const sessionId = query.get('sessionId') ?? '';
  const abort = new AbortController();
  let alive = true;
  socket.on('pong', () => (alive = true));
  const heartbeat = setInterval(() => {
    if (!alive) return socket.terminate(); // 'close' follows, which ends the feed
    alive = false;
    socket.ping();
  }, WS_PING_MS);
  socket.on('close', () => {
    clearInterval(heartbeat);
    abort.abort();
  });
  try {
    const problem = sessionId
      ? sessionIdProblem(sessionId)
      : 'sessionId is required: connect to /v1/live?sessionId=<id>';
    if (problem) return closeSafely(socket, WS_POLICY, problem);
    const lastSeq = resumePoint(query.get('lastEventId') ?? undefined);
    const session = keys.session(tenant, sessionId);
    await feed.assertExists(session);
    for await (const event of feed.events(session, lastSeq, abort.signal)) {
      if (socket.readyState !== WS_OPEN) return;
      socket.send(JSON.stringify(event));
    }
    socket.close(WS_NORMAL, 'session complete');
  } catch (error) {
    closeSafely(
      socket,
      error instanceof HttpException && error.getStatus() < 500 ? WS_POLICY : WS_ERROR,
      (error as Error).message,
    );
  }
}

/**
 * Closes with a reason cut to the 123 bytes a close frame allows (by bytes: a reason cut by
 * characters can still be too long, and ws then throws). Never throws: a socket that cannot be
 * closed cleanly is terminated.
 */
function closeSafely(socket: WebSocket, code: number, reason: string): void {
  let bytes = Buffer.from(reason, 'utf8').subarray(0, 123);
  // Do not end inside a multi-byte character.
  while (bytes.length > 0 && bytes.toString('utf8').endsWith('\uFFFD'))
    bytes = bytes.subarray(0, bytes.length - 1);
  try {
    socket.close(code, bytes.toString('utf8'));
  } catch {
    socket.terminate();
  }
}
