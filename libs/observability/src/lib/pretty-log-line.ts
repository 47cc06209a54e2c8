/** How log lines are written: JSON for machines (collectors, files, pipes), or pretty one-liners. */
export type LogFormat = 'json' | 'pretty';

/**
 * LOG_FORMAT=json|pretty when set; otherwise (unset, or any other value) pretty on a terminal
 * (stdout is a TTY) and JSON anywhere else, so a log collector never gets the human form by accident.
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stdout.isTTY),
): LogFormat {
  const chosen = env['LOG_FORMAT']?.trim().toLowerCase();
  if (chosen === 'json' || chosen === 'pretty') return chosen;
  return isTTY ? 'pretty' : 'json';
}

const LEVEL_COLOURS: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[90m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
};
/** Fields every line has, shown in the prefix or not at all. */
const PREFIX_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'app', 'component', 'msg']);

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string')
    return JSON.stringify((value as { message: string }).message);
  return JSON.stringify(value);
}

/**
 * One JSON log line (as the logger writes it) as a human one-liner:
 * `15:04:05 INFO  router/auth: minted a development key keyId=abc scopes=["read"]`. A line that is
 * not JSON passes through unchanged. `colour` adds ANSI colour to the level.
 */
export function prettyLogLine(line: string, colour = false): string {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (!fields || typeof fields !== 'object') return line;
  const level = String(fields['level'] ?? 'info');
  const time = typeof fields['time'] === 'string' ? fields['time'].slice(11, 19) : '';
  const label = level.toUpperCase().padEnd(5);
  const where = [fields['app'], fields['component']]
    .filter((part) => typeof part === 'string' && part)
    .join('/');
  const rest = Object.entries(fields)
    .filter(([name, value]) => !PREFIX_FIELDS.has(name) && value !== undefined)
    .map(([name, value]) => `${name}=${fieldValue(value)}`);
  const parts = [
    time,
    colour ? `${LEVEL_COLOURS[level] ?? ''}${label}\x1b[0m` : label,
    where ? `${where}:` : '',
    typeof fields['msg'] === 'string' ? fields['msg'] : '',
    ...rest,
  ].filter(Boolean);
  return `${parts.join(' ')}\n`;
}
