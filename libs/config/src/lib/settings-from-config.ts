import type { ConfigService } from '@nestjs/config';

/**
 * The validated settings object back out of @nestjs/config's ConfigService (which keeps what
 * `validateEnvironment` returned): one typed instance to inject instead of string lookups.
 */
export function settingsFromConfig<T extends object>(cls: new () => T, config: ConfigService): T {
  const settings = new cls() as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    const value = config.get(key);
    if (value !== undefined) settings[key] = value;
  }
  return settings as T;
}
