/**
 * The one place that takes secrets out of text before it leaves the process: log lines,
 * configuration errors, error bodies. Three kinds are caught:
 * - the userinfo of any URL (`redis://user:password@host` → `redis://[redacted]@host`), even in
 *   a URL too malformed to parse;
 * - `Authorization`-style credentials (`Bearer …`, `Token …`, `Basic …`);
 * - every value registered as a secret (`registerSecret`, `registerSecretsFromEnvironment` at
 *   start), wherever it appears, so a provider key echoed inside an error message is caught too.
 */
export const REDACTED = '[redacted]';

/** Environment variable names whose values are secrets. */
export const SECRET_VARIABLE_NAME = /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i;

/** Shorter values are not registered: replacing "1" everywhere would garble every line. */
const MIN_SECRET_LENGTH = 6;

const secrets = new Set<string>();
let secretPattern: RegExp | undefined;

// scheme://userinfo@ — the userinfo runs to the last '@' before the host, spaces and quotes end it.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'@]*(?:@[^\s/?#"'@]*)*@/gi;
// The value must hold a digit or '_' (every key, token and base64 credential does), so prose such
// as "token unknown, expired or already used" is left alone.
const CREDENTIAL =
  /\b(Bearer|Token|Basic)(\s+|\s*,\s*)(?=[A-Za-z0-9._~+/=:-]*[0-9_])[A-Za-z0-9._~+/=:-]{6,}/gi;

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  secretPattern = undefined;
}

/**
 * Registers the values of secret-named variables, and the userinfo (and password) of every
 * variable whose value holds `…@…` after a scheme or looks like a URL: a malformed `REDIS_URL`
 * still has its password registered, so it is caught wherever it is echoed.
 */
export function registerSecretsFromEnvironment(env: Record<string, string | undefined> = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_VARIABLE_NAME.test(name)) registerSecret(value);
    if (/_URL$|^URL$/i.test(name) || value.includes('://')) {
      for (const part of userinfoOf(value)) registerSecret(part);
    }
  }
}

/** The userinfo of something URL-like, whole and its password part; [] when it has none. */
export function userinfoOf(value: string): string[] {
  const at = value.lastIndexOf('@');
  if (at < 0) return [];
  const schemeEnd = value.indexOf('//');
  const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 2 : 0;
  const userinfo = value.slice(start, at);
  const colon = userinfo.indexOf(':');
  return colon >= 0 ? [userinfo, userinfo.slice(colon + 1)] : [userinfo];
}

export function redactText(text: string): string {
  let out = text.replace(URL_USERINFO, `$1${REDACTED}@`).replace(CREDENTIAL, `$1$2${REDACTED}`);
  if (secrets.size > 0) out = out.replace(registeredSecrets(), REDACTED);
  return out;
}

/** A copy of `value` with every string redacted (objects, arrays, errors, to a bounded depth). */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return { type: value.name, message: redactText(value.message), stack: redactText(value.stack ?? '') };
  }
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, depth + 1);
  return copy;
}

function registeredSecrets(): RegExp {
  // Longest first, so a password inside a registered userinfo does not leave the user name half-masked.
  secretPattern ??= new RegExp(
    [...secrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return secretPattern;
}
