/** The router's webhook settings, from the environment (defaults in docs/api/webhooks.md). */
export interface WebhookSettings {
  /** WEBHOOK_ALLOWED_DESTINATIONS: comma list of origins or host patterns; empty disables webhooks. */
  allowedDestinations: string;
  /** WEBHOOK_MAX_ATTEMPTS: attempts per delivery before it is marked failed. */
  maxAttempts: number;
  /** WEBHOOK_BACKOFF_MS: wait after the first failed attempt; doubles after each one. */
  backoffMs: number;
  /** WEBHOOK_MAX_BACKOFF_MS: the longest wait between two attempts. */
  maxBackoffMs: number;
  /** WEBHOOK_TIMEOUT_MS: how long one attempt may take. */
  timeoutMs: number;
  /** WEBHOOK_POLL_MS: how often the router looks for completed sessions and due deliveries. */
  pollMs: number;
}

function integerEnv(name: string, env: NodeJS.ProcessEnv, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}`);
  return value;
}

export function webhookSettingsFrom(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  return {
    allowedDestinations: env['WEBHOOK_ALLOWED_DESTINATIONS'] ?? '',
    maxAttempts: integerEnv('WEBHOOK_MAX_ATTEMPTS', env, 8, 1),
    backoffMs: integerEnv('WEBHOOK_BACKOFF_MS', env, 1000, 1),
    maxBackoffMs: integerEnv('WEBHOOK_MAX_BACKOFF_MS', env, 3_600_000, 1),
    timeoutMs: integerEnv('WEBHOOK_TIMEOUT_MS', env, 10_000, 100),
    pollMs: integerEnv('WEBHOOK_POLL_MS', env, 500, 10),
  };
}

/** The wait before attempt `attempt + 1` after `attempt` failed ones (1-based): backoff · 2^(attempt-1), capped. */
export function webhookBackoffMs(settings: WebhookSettings, attempt: number): number {
  return Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.max(0, attempt - 1));
}
