import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths that may carry secrets: never written to logs. */
const REDACTED_PATHS = [
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  'redisUrl',
];

let root: Logger | undefined;

/**
 * The process-wide structured JSON logger. LOG_LEVEL sets the level (default `info`; tests run
 * with `silent` unless LOG_LEVEL says otherwise).
 */
export function rootLogger(): Logger {
  root ??= pino({
    level: process.env['LOG_LEVEL'] ?? (process.env['JEST_WORKER_ID'] ? 'silent' : 'info'),
    base: { pid: process.pid, app: process.env['STREAMSCRIBE_APP'] },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  return root;
}

export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}

/** A Redis URL with its password masked, for log lines. */
export function maskRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
