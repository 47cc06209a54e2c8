import { performance } from 'node:perf_hooks';

/**
 * Counts entries handed to a handler and each one's latency from its XADD batch being sent to the
 * handler seeing it. `allHandled` resolves at the expected count.
 */
export class DeliveryTally {
  readonly latenciesMs: Float64Array;
  readonly allHandled: Promise<void>;
  private count = 0;
  private resolveAllHandled!: () => void;

  constructor(readonly expected: number) {
    this.latenciesMs = new Float64Array(expected);
    this.allHandled = new Promise((resolve) => (this.resolveAllHandled = resolve));
  }

  get handled(): number {
    return this.count;
  }

  record(sentAt: Buffer | undefined): void {
    if (this.count < this.expected)
      this.latenciesMs[this.count] = performance.now() - Number(sentAt?.toString());
    this.count += 1;
    if (this.count === this.expected) this.resolveAllHandled();
  }
}
