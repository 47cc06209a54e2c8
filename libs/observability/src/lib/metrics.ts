import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process; every lib registers its metrics here through `counter`,
 * `histogram` and `gauge`, which return the existing metric when asked twice (tests build many Nest apps in
 * one process).
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'streamscribe_process_' });

type Config<T extends string> = { name: string; help: string; labelNames?: readonly T[] };

export function counter<T extends string>(config: Config<T>): Counter<T> {
  return (
    (metricsRegistry.getSingleMetric(config.name) as Counter<T>) ??
    new Counter({ ...config, registers: [metricsRegistry] })
  );
}

export function histogram<T extends string>(config: Config<T> & { buckets?: number[] }): Histogram<T> {
  return (
    (metricsRegistry.getSingleMetric(config.name) as Histogram<T>) ??
    new Histogram({ ...config, registers: [metricsRegistry] })
  );
}

export function gauge<T extends string>(
  config: Config<T> & { collect?: (this: Gauge<T>) => Promise<void> | void },
): Gauge<T> {
  return (
    (metricsRegistry.getSingleMetric(config.name) as Gauge<T>) ??
    new Gauge({ ...config, registers: [metricsRegistry] })
  );
}

/** Seconds buckets from 5 ms to 2 minutes: provider calls span that whole range. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
