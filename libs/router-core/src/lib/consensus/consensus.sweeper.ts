import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createLogger } from '@streamscribe/observability';
import { ConsensusCoordinator } from './consensus.coordinator';

const SWEEP_INTERVAL_MS = 5000;

/** Every few seconds, settles consensus chunks whose router went away before their deadline. */
@Injectable()
export class ConsensusSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('consensus');
  private timer?: NodeJS.Timeout;

  constructor(private readonly coordinator: ConsensusCoordinator) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.coordinator.sweepOverdue().then(
        (settled) =>
          settled > 0 && this.log.warn({ settled }, 'settled consensus chunks left behind by another router'),
        (error: Error) => this.log.debug({ err: error.message }, 'consensus sweep failed; next one retries'),
      );
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
