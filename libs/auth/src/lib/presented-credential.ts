import type { IncomingHttpHeaders } from 'node:http';

/** What a request offers as proof: an API key (header forms) or a temporary token (`?token=`). */
export type PresentedCredential =
  | { kind: 'key'; value: string }
  | { kind: 'token'; value: string }
  | { kind: 'malformed'; problem: string }
  | { kind: 'none' };

export interface CredentialSources {
  headers: IncomingHttpHeaders;
  /** The request URL (path and query), for `?token=`. */
  url: string | undefined;
  /** `?token=` counts (SSE and WebSocket routes only). */
  allowQueryToken: boolean;
  /** A WebSocket upgrade: `Sec-WebSocket-Protocol: token, <key>` counts (the Deepgram SDK's browser form). */
  websocket: boolean;
}

const AUTHORIZATION = /^(Bearer|Token)\s+(\S+)\s*$/i;

export function presentedCredential({
  headers,
  url,
  allowQueryToken,
  websocket,
}: CredentialSources): PresentedCredential {
  const authorization = headers.authorization;
  if (authorization) {
    const match = AUTHORIZATION.exec(authorization);
    return match
      ? { kind: 'key', value: match[2] }
      : { kind: 'malformed', problem: 'Authorization must be "Bearer <API key>" or "Token <API key>"' };
  }
  if (websocket) {
    const offered = protocolsOf(headers['sec-websocket-protocol']);
    if (offered[0] === 'token') {
      return offered[1]
        ? { kind: 'key', value: offered[1] }
        : { kind: 'malformed', problem: 'Sec-WebSocket-Protocol "token" must be followed by the API key' };
    }
  }
  if (allowQueryToken && url) {
    const token = new URL(url, 'http://router').searchParams.get('token');
    if (token) return { kind: 'token', value: token };
  }
  return { kind: 'none' };
}

export function protocolsOf(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}
