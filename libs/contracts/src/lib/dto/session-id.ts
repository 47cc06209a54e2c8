import { RESERVED_SESSION_IDS } from '../keys/key-scheme';

/**
 * Session ids become part of Redis keys and URLs: letters, digits, `.`, `_` and `-`, starting
 * with a letter or digit, at most 128 characters.
 */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const CHUNK_ID_PATTERN = SESSION_ID_PATTERN;

/** Why a client may not name this session, or undefined; `all` and other reserved ids are refused. */
export function sessionIdProblem(sessionId: string): string | undefined {
  if (RESERVED_SESSION_IDS.has(sessionId)) return `session id '${sessionId}' is reserved: choose another`;
  return SESSION_ID_PATTERN.test(sessionId)
    ? undefined
    : `session id '${sessionId.slice(0, 140)}' is malformed: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`;
}
