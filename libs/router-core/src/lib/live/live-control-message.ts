/**
 * What a client may send on the results WebSocket: small control messages only (results go one
 * way). `{"type":"KeepAlive"}` is taken and ignored (the Deepgram SDK's keep-alive). Anything else
 * gets an `error` event naming what was wrong; the socket stays open, up to MAX_BAD_MESSAGES.
 */
export const LIVE_WS_MAX_PAYLOAD_BYTES = 4 * 1024;

/** Bad control messages a socket may send before it is closed with 1008. */
export const MAX_BAD_MESSAGES = 10;

export interface ControlMessageError {
  event: 'error';
  data: { code: 'malformed_message' | 'unknown_message'; message: string };
}

/** undefined for a message that is fine (ignored); else the error event to send back. */
export function controlMessageProblem(
  data: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
): ControlMessageError | undefined {
  const error = (code: ControlMessageError['data']['code'], message: string): ControlMessageError => ({
    event: 'error',
    data: { code, message },
  });
  if (isBinary)
    return error('unknown_message', 'this socket carries results only: send no audio or binary frames here');
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data).toString('utf8');
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return error('malformed_message', 'a control message is one JSON object, e.g. {"type":"KeepAlive"}');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return error('malformed_message', 'a control message is one JSON object, e.g. {"type":"KeepAlive"}');
  const type = (message as { type?: unknown }).type;
  if (type === 'KeepAlive') return undefined;
  return error(
    'unknown_message',
    `unknown control message type ${JSON.stringify(String(type)).slice(0, 40)}: this socket takes only {"type":"KeepAlive"}`,
  );
}
