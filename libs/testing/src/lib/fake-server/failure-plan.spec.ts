import { FailurePlan } from './failure-plan';
import { InjectedFailure } from './injected-failure';

const unavailable: InjectedFailure = { status: 503 };
const reset: InjectedFailure = { kind: 'reset' };

describe('FailurePlan', () => {
  it('plays queued failures first, in order', () => {
    const plan = new FailurePlan();
    plan.failNext(2, unavailable);
    plan.failNext(1, reset);
    expect([plan.next(), plan.next(), plan.next(), plan.next()]).toEqual([
      unavailable,
      unavailable,
      reset,
      undefined,
    ]);
  });

  it('fails at a seeded rate, the same requests for the same seed', () => {
    const run = (seed: number) => {
      const plan = new FailurePlan();
      plan.setFailureRate(0.3, [unavailable, reset], seed);
      return Array.from({ length: 1000 }, () => plan.next());
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(run(7)).not.toEqual(first);
    const failed = first.filter(Boolean).length;
    expect(failed).toBeGreaterThan(240);
    expect(failed).toBeLessThan(360);
    expect(first).toContain(reset);
    expect(first).toContain(unavailable);
  });

  it('forgets everything on reset', () => {
    const plan = new FailurePlan();
    plan.failNext(3, unavailable);
    plan.setFailureRate(1, [reset], 1);
    plan.reset();
    expect(plan.next()).toBeUndefined();
  });

  it('rejects nonsense', () => {
    const plan = new FailurePlan();
    expect(() => plan.failNext(-1, reset)).toThrow(RangeError);
    expect(() => plan.setFailureRate(1.5, [reset], 1)).toThrow('between 0 and 1');
    expect(() => plan.setFailureRate(0.5, [], 1)).toThrow('at least one failure');
  });
});
