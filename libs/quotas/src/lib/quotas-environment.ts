import { IsBoolean, IsInt, IsNumber, Max, Min } from 'class-validator';

/**
 * The quota settings every tenant starts from, and how the router enforces them. A tenant's
 * overrides (PUT /v1/admin/tenants/{tenant}) replace these field by field. For every limit,
 * 0 means "no limit". Defaults are docs/configuration.md's.
 */
export class QuotasEnvironment {
  /** Off: no quota is checked or counted (no Redis call per request); for benchmarks and trusted networks. */
  @IsBoolean({ message: 'QUOTAS_ENABLED must be true or false' })
  QUOTAS_ENABLED = true;

  /** Requests per second a tenant's token bucket refills with, across every router; 0 = unlimited. */
  @IsNumber({}, { message: 'QUOTA_REQUESTS_PER_SECOND must be a number' })
  @Min(0)
  @Max(1_000_000)
  QUOTA_REQUESTS_PER_SECOND = 100;

  /** The bucket's size: requests a tenant may make at once after being idle. */
  @IsInt({ message: 'QUOTA_BURST must be an integer' })
  @Min(1)
  @Max(1_000_000)
  QUOTA_BURST = 200;

  /** Live feeds (SSE and WebSocket) open at once per tenant, across every router; 0 = unlimited. */
  @IsInt({ message: 'QUOTA_MAX_LIVE_CONNECTIONS must be an integer' })
  @Min(0)
  QUOTA_MAX_LIVE_CONNECTIONS = 100;

  /** Audio a tenant may submit per UTC day, in seconds; 0 = unlimited. */
  @IsInt({ message: 'QUOTA_AUDIO_SECONDS_PER_DAY must be an integer' })
  @Min(0)
  QUOTA_AUDIO_SECONDS_PER_DAY = 0;

  /** Provider spend per UTC month after which a tenant's audio is refused, in micro-USD; 0 = unlimited. */
  @IsInt({ message: 'QUOTA_SPEND_MICRO_USD_PER_MONTH must be an integer' })
  @Min(0)
  QUOTA_SPEND_MICRO_USD_PER_MONTH = 0;

  /** Whether tenants may ask for consensus (every chunk to several providers, so several times the spend). */
  @IsBoolean({ message: 'QUOTA_ALLOW_CONSENSUS must be true or false' })
  QUOTA_ALLOW_CONSENSUS = true;

  /** Whether tenants' `hedge=true` is honoured (a late chunk is sent to a second provider). */
  @IsBoolean({ message: 'QUOTA_ALLOW_HEDGING must be true or false' })
  QUOTA_ALLOW_HEDGING = true;

  /** Every tenant's default retention (the router's SESSION_RETENTION_SECONDS, read here too), in seconds. */
  @IsInt({ message: 'SESSION_RETENTION_SECONDS must be an integer' })
  @Min(1)
  SESSION_RETENTION_SECONDS = 86_400;

  /** Live feeds one router holds open at once, whatever their tenant; 0 = unlimited. */
  @IsInt({ message: 'MAX_LIVE_CONNECTIONS_PER_ROUTER must be an integer' })
  @Min(0)
  MAX_LIVE_CONNECTIONS_PER_ROUTER = 1000;

  /** How long a router reuses a tenant's settings before reading them again, in ms (another router's change shows after at most this). */
  @IsInt({ message: 'TENANT_SETTINGS_CACHE_MS must be an integer' })
  @Min(0)
  @Max(600_000)
  TENANT_SETTINGS_CACHE_MS = 5000;

  /** How long a router reuses a tenant's month-to-date spend, in ms (spend can pass the limit by what is spent meanwhile). */
  @IsInt({ message: 'SPEND_CACHE_MS must be an integer' })
  @Min(0)
  @Max(600_000)
  SPEND_CACHE_MS = 10_000;

  /** A live connection's lease in Redis; renewed every third of it while open, so a crashed router's connections free up after this, in ms. */
  @IsInt({ message: 'LIVE_LEASE_MS must be an integer' })
  @Min(1000)
  @Max(600_000)
  LIVE_LEASE_MS = 30_000;
}
