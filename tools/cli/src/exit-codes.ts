/** The CLI's exit codes (documented in docs/clients/cli.md). */
export const EXIT = {
  ok: 0,
  /** Something failed: a file not transcribed, a request refused for another reason. */
  failed: 1,
  /** A bad command line: unknown command or flag, missing argument. */
  usage: 2,
  /** The key is missing, unknown, revoked (401) or lacks the scope (403). */
  auth: 3,
  /** The router cannot be reached, or answers 503 (no provider, draining, Redis down). */
  unavailable: 4,
  /** Rate-limited or over quota (429), after the retries. */
  limited: 5,
  /** What was asked for does not exist (404): a session, a key, a dead letter. */
  notFound: 6,
} as const;

/** A failure the CLI reports as `streamscribe: <message>` and exits with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** The exit code an HTTP status maps to. */
export function exitCodeOfStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 429) return EXIT.limited;
  if (status === 503 || status === 502 || status === 504) return EXIT.unavailable;
  return EXIT.failed;
}
