/**
 * The one boolean parser for text from outside: entry fields (Python's `str(bool)` writes
 * "True"/"False"), query strings and environment variables. Undefined when it is not a boolean, so
 * each caller says in its own words what was wrong.
 */
export function parseBoolean(raw: string): boolean | undefined {
  const lowered = raw.trim().toLowerCase();
  if (lowered === 'true' || lowered === '1') return true;
  if (lowered === 'false' || lowered === '0') return false;
  return undefined;
}
