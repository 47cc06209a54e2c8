import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { quotaKeys } from '../quota-keys';
import { QuotasEnvironment } from '../quotas-environment';
import {
  TENANT_SETTING_NAMES,
  TenantSettings,
  defaultTenantSettings,
  overridesFromHash,
  overridesToHash,
} from './tenant-settings';
import { QUOTAS_ENVIRONMENT, QUOTAS_REDIS } from '../tokens';

/** What the retention sweep needs to know of a tenant (implemented by TenantSettingsService). */
export interface TenantRetention {
  retentionSecondsFor(tenant: string): Promise<number>;
}

/** A partial override: a value sets the setting, null removes its override (the default applies). */
export type TenantSettingsOverride = { [K in keyof TenantSettings]?: TenantSettings[K] | null };

interface CachedSettings {
  settings: Promise<TenantSettings>;
  until: number;
}

/** Tenants whose settings one router keeps at once; past this the oldest are read again. */
const CACHE_ENTRIES = 10_000;

/**
 * A tenant's effective settings: the configured defaults, overridden field by field by what is
 * stored in `streamscribe:tenant:<id>:settings`. Each router caches a tenant's settings for
 * TENANT_SETTINGS_CACHE_MS, so an override made through another router takes effect here after
 * at most that long (at once on the router that made it).
 */
@Injectable()
export class TenantSettingsService implements TenantRetention {
  private readonly defaults: TenantSettings;
  private readonly cache = new Map<string, CachedSettings>();

  constructor(
    @Inject(QUOTAS_REDIS) private readonly redis: Redis,
    @Inject(QUOTAS_ENVIRONMENT) private readonly env: QuotasEnvironment,
  ) {
    this.defaults = defaultTenantSettings(env);
  }

  settingsFor(tenant: string): Promise<TenantSettings> {
    const now = Date.now();
    const cached = this.cache.get(tenant);
    if (cached && cached.until > now) return cached.settings;
    const settings = this.overridesFor(tenant).then((overrides) => ({ ...this.defaults, ...overrides }));
    // A failed read is not cached: the next request asks Redis again.
    settings.catch(() => this.cache.delete(tenant));
    this.cache.delete(tenant);
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(tenant, { settings, until: now + this.env.TENANT_SETTINGS_CACHE_MS });
    return settings;
  }

  async retentionSecondsFor(tenant: string): Promise<number> {
    return (await this.settingsFor(tenant)).retentionSeconds;
  }

  /** What is stored for the tenant, uncached. */
  async overridesFor(tenant: string): Promise<Partial<TenantSettings>> {
    return overridesFromHash(await this.redis.hgetall(quotaKeys.settings(tenant)));
  }

  /** Applies a partial override (fields left out stay as they were) and answers the effective settings. */
  async override(tenant: string, change: TenantSettingsOverride): Promise<TenantSettings> {
    const key = quotaKeys.settings(tenant);
    const cleared = TENANT_SETTING_NAMES.filter((name) => change[name] === null);
    const set = overridesToHash(change as Partial<TenantSettings>);
    const transaction = this.redis.multi();
    if (Object.keys(set).length > 0) transaction.hset(key, set);
    if (cleared.length > 0) transaction.hdel(key, ...cleared);
    await transaction.exec();
    this.cache.delete(tenant);
    return this.settingsFor(tenant);
  }

  /** Removes every override: the tenant is back on the defaults. */
  async clearOverrides(tenant: string): Promise<TenantSettings> {
    await this.redis.del(quotaKeys.settings(tenant));
    this.cache.delete(tenant);
    return this.settingsFor(tenant);
  }
}
