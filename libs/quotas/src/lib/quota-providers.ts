import { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { validateEnvironment } from '@streamscribe/config';
import { AudioQuota } from './ingest/audio-quota';
import { IngestQuota } from './ingest/ingest-quota';
import { SpendQuota } from './ingest/spend-quota';
import { LiveConnectionLimiter } from './live/live-connection.limiter';
import { QuotasEnvironment } from './quotas-environment';
import { RateLimitInterceptor } from './rate-limit/rate-limit.interceptor';
import { RateLimiter } from './rate-limit/rate-limiter';
import { TenantSettingsService } from './settings/tenant-settings.service';
import { TenantViews } from './settings/tenant-usage';
import { QUOTAS_ENVIRONMENT, QUOTAS_KEY_SCHEME, QUOTAS_REDIS } from './tokens';

export interface QuotaProviderOptions {
  /** Injection token of the Redis connection quota state lives on. */
  redis: string | symbol;
  /**
   * Injection token of the app's KeyScheme (keySchemeFrom its validated environment): spend
   * quotas sum a tenant's cost over every partition of that scheme.
   */
  keyScheme: string | symbol | (abstract new (...args: never[]) => unknown);
}

/** The services everything below exports. */
export const QUOTA_SERVICES = [
  TenantSettingsService,
  TenantViews,
  RateLimiter,
  LiveConnectionLimiter,
  AudioQuota,
  SpendQuota,
  IngestQuota,
];

/**
 * The quota providers, for the module that owns the Redis connection (the router's core module):
 * settings from the environment (QuotasEnvironment, validated at start), the services, and the
 * rate limit on every /v1 route as a global interceptor.
 */
export function quotaProviders(options: QuotaProviderOptions): Provider[] {
  return [
    {
      provide: QUOTAS_ENVIRONMENT,
      useFactory: () => validateEnvironment(QuotasEnvironment, process.env),
    },
    { provide: QUOTAS_REDIS, useExisting: options.redis },
    { provide: QUOTAS_KEY_SCHEME, useExisting: options.keyScheme },
    ...QUOTA_SERVICES,
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ];
}
