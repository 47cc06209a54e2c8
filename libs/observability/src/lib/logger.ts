import pino, { Logger } from 'pino';
import { logFormat, prettyLogLine } from './pretty-log-line';
import { redactText, redactValue, registerSecretsFromEnvironment } from './redaction/redact';

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
 * The process-wide structured logger. LOG_LEVEL sets the level (default `info`; tests run
 * with `silent` unless LOG_LEVEL says otherwise). Lines are JSON, or human one-liners on a
 * terminal (LOG_FORMAT=json|pretty overrides; see logFormat). Every line passes through `redactText`: secret
 * fields by name (REDACTED_PATHS), and secret values wherever they appear in messages and fields
 * (URL userinfo, credentials, the values of secret environment variables registered here).
 */
export function rootLogger(): Logger {
  if (root) return root;
  registerSecretsFromEnvironment();
  const options: pino.LoggerOptions = {
    level: process.env['LOG_LEVEL'] ?? (process.env['JEST_WORKER_ID'] ? 'silent' : 'info'),
    base: { pid: process.pid, app: process.env['STREAMSCRIBE_APP'] },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redactValue(fields) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
  };
  // Pretty lines are the JSON lines reformatted, so redaction applies to both alike.
  const colour = !process.env['NO_COLOR'] && Boolean(process.stdout.isTTY);
  root =
    logFormat() === 'pretty'
      ? pino(options, { write: (line: string) => void process.stdout.write(prettyLogLine(line, colour)) })
      : pino(options);
  return root;
}

export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}

/** A Redis URL with its userinfo masked, for log lines (parseable or not). */
export function maskRedisUrl(url: string): string {
  return redactText(url);
}
