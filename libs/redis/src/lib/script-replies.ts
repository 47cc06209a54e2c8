/**
 * Decoders for the shapes Lua replies take, shared by every script definition. A reply of the
 * wrong shape means the script and its definition disagree: that is a bug, so it throws.
 */

/** The statuses scripts answer with, one vocabulary across all of them. */
export const SCRIPT_STATUSES = ['created', 'duplicate', 'seq_taken', 'superseded'] as const;

export type ScriptStatus = (typeof SCRIPT_STATUSES)[number];

export function asScriptStatus(value: unknown): ScriptStatus {
  if (typeof value === 'string' && (SCRIPT_STATUSES as readonly string[]).includes(value))
    return value as ScriptStatus;
  throw new Error(`unexpected script status ${JSON.stringify(value)}`);
}

/** A Lua table of strings (or numbers, which are stringified). */
export function asStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) throw new Error(`expected a list from the script, got ${JSON.stringify(reply)}`);
  return reply.map(String);
}

export function asNumber(reply: unknown): number {
  const value = Number(reply);
  if (!Number.isFinite(value))
    throw new Error(`expected a number from the script, got ${JSON.stringify(reply)}`);
  return value;
}

/** A string, or null where the script returned false (Lua's false arrives as null). */
export function asStringOrNull(reply: unknown): string | null {
  return reply === null || reply === undefined ? null : String(reply);
}
