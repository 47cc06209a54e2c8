import { redactText, registerSecretsFromEnvironment } from './redaction/redact';

/**
 * For `main().catch(...)`: one line on stderr saying why the app could not start, with secrets
 * redacted (a configuration error can quote a malformed REDIS_URL), then exit 1.
 */
export function exitOnStartFailure(app: string): (error: unknown) => never {
  return (error: unknown) => {
    registerSecretsFromEnvironment();
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${app} failed to start: ${redactText(reason)}\n`);
    process.exit(1);
  };
}
