import { INestApplication } from '@nestjs/common';
import { createLogger } from './logger';

/**
 * SIGTERM or SIGINT closes the app (its shutdown hooks drain in-flight work) and exits 0, so
 * Kubernetes and process supervisors see a clean stop. A second signal does not cut the drain.
 */
export function exitCleanlyOnSignals(app: INestApplication): void {
  const log = createLogger('shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
