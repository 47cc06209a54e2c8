/** How outcomes are windowed and when a breaker trips; routers and workers must agree. */
export interface HealthSettings {
  /** Error rate and latency are measured over this sliding window, in ms. @defaultValue 30000 */
  windowMs: number;
  /** The window is kept as this many time slots. @defaultValue 10 */
  slots: number;
  /** Fewer outcomes than this in the window never open a breaker. @defaultValue 5 */
  minRequests: number;
  /** Error rate (0..1) over the window at which a closed breaker opens. @defaultValue 0.5 */
  errorRate: number;
  /** How long an opened breaker stays open before a probe may go, in ms. @defaultValue 15000 */
  openMs: number;
  /** How long a claimed probe blocks the next one, in ms. @defaultValue 10000 */
  probeTimeoutMs: number;
}

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  windowMs: 30_000,
  slots: 10,
  minRequests: 5,
  errorRate: 0.5,
  openMs: 15_000,
  probeTimeoutMs: 10_000,
};

/** The settings from the environment every app validates (CommonEnvironment's names). */
export function healthSettingsFrom(env: {
  HEALTH_WINDOW_MS: number;
  BREAKER_MIN_REQUESTS: number;
  BREAKER_ERROR_RATE: number;
  BREAKER_OPEN_MS: number;
  BREAKER_PROBE_TIMEOUT_MS: number;
}): HealthSettings {
  return {
    windowMs: env.HEALTH_WINDOW_MS,
    slots: DEFAULT_HEALTH_SETTINGS.slots,
    minRequests: env.BREAKER_MIN_REQUESTS,
    errorRate: env.BREAKER_ERROR_RATE,
    openMs: env.BREAKER_OPEN_MS,
    probeTimeoutMs: env.BREAKER_PROBE_TIMEOUT_MS,
  };
}
