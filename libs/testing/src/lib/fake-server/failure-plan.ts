import { InjectedFailure } from './injected-failure';
import { seededRandom } from './seeded-random';

interface FailureRate {
  rate: number;
  failures: readonly InjectedFailure[];
  random: () => number;
}

/**
 * Decides, request by request, whether a fake server fails and how: first from a queue of
 * failures for the next requests, then at a seeded random rate. Deterministic for a given seed
 * and request order.
 */
export class FailurePlan {
  private queued: InjectedFailure[] = [];
  private random?: FailureRate;

  /** Fails the next `count` requests with `failure` (after any already queued). */
  failNext(count: number, failure: InjectedFailure): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`failNext count must be a non-negative integer, got ${count}`);
    }
    for (let i = 0; i < count; i++) this.queued.push(failure);
  }

  /**
   * Fails each request with probability `rate` (0..1), picking one of `failures` at random, from a
   * PRNG seeded with `seed`. A rate of 0 turns random failures off.
   */
  setFailureRate(rate: number, failures: readonly InjectedFailure[], seed: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`failure rate must be between 0 and 1, got ${rate}`);
    if (rate > 0 && failures.length === 0) {
      throw new RangeError('setFailureRate needs at least one failure to pick from when rate > 0');
    }
    this.random = rate > 0 ? { rate, failures: [...failures], random: seededRandom(seed) } : undefined;
  }

  /** The failure for the request now arriving, or undefined to answer it normally. */
  next(): InjectedFailure | undefined {
    const queued = this.queued.shift();
    if (queued) return queued;
    if (!this.random) return undefined;
    const { rate, failures, random } = this.random;
    if (random() >= rate) return undefined;
    return failures[Math.floor(random() * failures.length)];
  }

  reset(): void {
    this.queued = [];
    this.random = undefined;
  }
}
