import { INestApplication } from '@nestjs/common';
import { createLogger } from './logger';

/**
 * SIGTERM or SIGINT closes the app (its shutdown hooks drain in-flight work) and exits 0, so
 * Kubernetes and process supervisors see a clean stop. A second signal does not cut the drain.
 * `deadlineMs` bounds it all: past it the process exits 1 whatever is still waiting — a drain
 * whose Redis went silent (a partition answers nothing, so commands queue for ever) must not
 * keep a pod Terminating until the kubelet's SIGKILL.
 */
export function exitCleanlyOnSignals(app: INestApplication, deadlineMs: number): void {
  const log = createLogger('shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, deadlineMs }, 'draining');
    setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown did not finish in time (is Redis reachable?); exiting anyway');
      process.exit(1);
    }, deadlineMs);
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
