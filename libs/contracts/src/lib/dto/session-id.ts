/**
 * Session ids become part of Redis keys and URLs: letters, digits, `.`, `_` and `-`, starting
 * with a letter or digit, at most 128 characters.
 */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const CHUNK_ID_PATTERN = SESSION_ID_PATTERN;

export function sessionIdProblem(sessionId: string): string | undefined {
  return SESSION_ID_PATTERN.test(sessionId)
    ? undefined
    : `session id '${sessionId.slice(0, 140)}' is malformed: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`;
}
