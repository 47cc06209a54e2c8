import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { HttpException } from '@nestjs/common';
import { KeyScheme, SessionRef, sessionIdProblem } from '@streamscribe/contracts';
import { controlMessageProblem, MAX_BAD_MESSAGES } from './live-control-message';
import { LiveFeedLease, LiveFeedRefused } from './live-feed-caps';
import { formatSse, resumePoint } from './live-resume';
import { DropReason, liveFeedMetrics, pumpFeed, sseSink, webSocketSink } from './live-sink';
import { SessionEventFeed } from './session-event.feed';

const SSE_KEEP_ALIVE_MS = 15_000;
/** A WebSocket peer that does not answer a ping within this long is gone (no FIN ever came). */
const WS_PING_MS = 30_000;
const WS_OPEN = 1;
/**
 * WebSocket close codes: 1000 done, 1008 the request was wrong, 1009 a message over
 * LIVE_WS_MAX_PAYLOAD_BYTES (ws sends it), 1011 the server failed, 1013 a cap on live feeds was
 * hit (try again later), 4001 dropped as a slow reader.
 */
const WS_NORMAL = 1000;
const WS_POLICY = 1008;
const WS_ERROR = 1011;
const WS_TRY_LATER = 1013;
const WS_SLOW_READER = 4001;
/** A dropped client gets this long to take its last event and close before its socket is cut. */
const DROP_GRACE_MS = 1000;

const dropMessage = (reason: DropReason) =>
  reason === 'slow_reader'
    ? 'dropped: the client did not read its events within LIVE_SLOW_READER_MS; reconnect with Last-Event-ID'
    : 'dropped: more than LIVE_MAX_BUFFERED_BYTES waited unsent; reconnect with Last-Event-ID';

/**
 * Streams a session's feed as Server-Sent Events until it is final or the client goes away.
 * Answers 429/503 (a cap on live feeds) and 404 (unknown session) before writing a header; the
 * caller has already refused a bad id or Last-Event-ID. A client that stops reading is dropped
 * with `event: dropped` (see pumpFeed).
 */
export async function streamSse(
  feed: SessionEventFeed,
  target: { session: SessionRef; lastSeq: number },
  _request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const lease = admit(feed, target.session.tenant, target.session.sessionId, 'sse');
  try {
    await feed.assertExists(target.session);
    await sendSse(feed, target, response);
  } finally {
    lease.release();
  }
}

async function sendSse(
  feed: SessionEventFeed,
  { session, lastSeq }: { session: SessionRef; lastSeq: number },
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
  const onClose = () => abort.abort();
  response.on('close', onClose);
  // A keep-alive into a full buffer would only add to it.
  const keepAlive = setInterval(() => {
    if (!response.writableNeedDrain) response.write(': keep-alive\n\n');
  }, SSE_KEEP_ALIVE_MS);
  liveFeedMetrics.open.inc({ transport: 'sse' });
  try {
    const dropped = await pumpFeed(
      feed.events(session, lastSeq, abort.signal),
      sseSink(response),
      formatSse,
      feed.slowReaderLimits,
    );
    if (dropped && !abort.signal.aborted) {
      liveFeedMetrics.dropped.inc({ transport: 'sse', reason: dropped });
      response.write(formatSse({ event: 'dropped', data: { code: dropped, message: dropMessage(dropped) } }));
      // end() waits for the buffer to flush, which a client that does not read never lets happen.
      const cut = setTimeout(() => response.destroy(), DROP_GRACE_MS);
      response.once('close', () => clearTimeout(cut));
    }
  } catch (error) {
    if (!abort.signal.aborted)
      response.write(formatSse({ event: 'error', data: { message: (error as Error).message } }));
  } finally {
    liveFeedMetrics.open.dec({ transport: 'sse' });
    clearInterval(keepAlive);
    response.off('close', onClose);
    response.end();
  }
}

/**
 * The tenant's live-connection quota across routers: a lease to release when the socket closes,
 * or why it is refused (the socket then closes with 1013).
 */
export type LiveQuota = () => Promise<{ release(): unknown } | { refused: string }>;

/**
 * Streams a session's feed over a WebSocket (`/v1/live?sessionId=…&lastEventId=…`), one JSON
 * message per event (`{ event, id, data }`), and closes with 1000 after `final`. Client messages
 * are small control messages (live-control-message.ts); a bad one gets an `error` event. The
 * socket's listeners are in place before anything is awaited (the quota, the session): a message
 * a client sends as soon as the socket opens is answered, not lost.
 */
export async function streamToWebSocket(
  feed: SessionEventFeed,
  keys: KeyScheme,
  tenant: string,
  socket: WebSocket,
  request: IncomingMessage,
  quota?: LiveQuota,
): Promise<void> {
  const query = new URL(request.url ?? '/', 'http://router').searchParams;
  const sessionId = query.get('sessionId') ?? '';
  const abort = new AbortController();
  let alive = true;
  let badMessages = 0;
  let lease: LiveFeedLease | undefined;
  let quotaLease: { release(): unknown } | undefined;
  // ws reports a too-large or broken frame here (then closes with 1009/1002); without a listener
  // the 'error' event would throw.
  socket.on('error', () => abort.abort());
  socket.on('pong', () => (alive = true));
  socket.on('message', (data, isBinary) => {
    const problem = controlMessageProblem(data as Buffer, isBinary);
    if (!problem) return;
    if (++badMessages > MAX_BAD_MESSAGES)
      return closeSafely(socket, WS_POLICY, `more than ${MAX_BAD_MESSAGES} bad control messages`);
    if (socket.readyState === WS_OPEN) socket.send(JSON.stringify(problem));
  });
  const heartbeat = setInterval(() => {
    if (!alive) return socket.terminate(); // 'close' follows, which ends the feed
    alive = false;
    socket.ping();
  }, WS_PING_MS);
  socket.on('close', () => {
    clearInterval(heartbeat);
    abort.abort();
    lease?.release();
    void quotaLease?.release();
  });
  try {
    const problem = sessionId
      ? sessionIdProblem(sessionId)
      : 'sessionId is required: connect to /v1/live?sessionId=<id>';
    if (problem) return closeSafely(socket, WS_POLICY, problem);
    const lastSeq = resumePoint(query.get('lastEventId') ?? undefined);
    const session = keys.session(tenant, sessionId);
    if (quota) {
      const taken = await quota();
      if ('refused' in taken) return closeSafely(socket, WS_TRY_LATER, taken.refused);
      if (abort.signal.aborted) return void taken.release(); // closed while the quota was asked
      quotaLease = taken;
    }
    lease = admit(feed, tenant, sessionId, 'websocket');
    if (abort.signal.aborted) return lease.release(); // closed while being admitted
    await feed.assertExists(session);
    liveFeedMetrics.open.inc({ transport: 'websocket' });
    let dropped: DropReason | undefined;
    try {
      dropped = await pumpFeed(
        feed.events(session, lastSeq, abort.signal),
        webSocketSink(socket),
        (event) => JSON.stringify(event),
        feed.slowReaderLimits,
      );
    } finally {
      liveFeedMetrics.open.dec({ transport: 'websocket' });
    }
    if (socket.readyState !== WS_OPEN) return;
    if (dropped) {
      liveFeedMetrics.dropped.inc({ transport: 'websocket', reason: dropped });
      closeSafely(socket, WS_SLOW_READER, `${dropped}: ${dropMessage(dropped)}`);
      const cut = setTimeout(() => socket.terminate(), DROP_GRACE_MS);
      socket.once('close', () => clearTimeout(cut));
      return;
    }
    socket.close(WS_NORMAL, 'session complete');
  } catch (error) {
    const code =
      error instanceof LiveFeedRefused
        ? WS_TRY_LATER
        : error instanceof HttpException && error.getStatus() < 500
          ? WS_POLICY
          : WS_ERROR;
    const reason =
      error instanceof LiveFeedRefused ? `${error.code}: ${error.message}` : (error as Error).message;
    closeSafely(socket, code, reason);
  }
}

function admit(
  feed: SessionEventFeed,
  tenant: string,
  sessionId: string,
  transport: 'sse' | 'websocket',
): LiveFeedLease {
  try {
    return feed.caps.admit(tenant, sessionId);
  } catch (error) {
    if (error instanceof LiveFeedRefused) liveFeedMetrics.refused.inc({ transport, code: error.code });
    throw error;
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
