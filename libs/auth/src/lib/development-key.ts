import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type Redis from 'ioredis';
import { DEFAULT_TENANT, Scope } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { waitUntilReady } from '@streamscribe/redis';
import { ApiKeyStore } from './api-key.store';
import { AuthEnvironment } from './auth-environment';
import { AUTH_ENVIRONMENT, AUTH_REDIS } from './auth.tokens';
import { AUTH_KEYS } from './auth-redis-keys';

/** A development key reads and transcribes; administration takes ADMIN_API_KEY. */
export const DEVELOPMENT_KEY_SCOPES: readonly Scope[] = ['transcribe', 'read'];

/**
 * First run of `npm start` (MINT_DEV_KEY=true): with no ADMIN_API_KEY and no key in Redis, mint one
 * key for the default tenant and print it once on the terminal, so the quick start needs no extra
 * step. Never again once Redis holds a key (the marker is SET NX, so two routers mint one).
 */
@Injectable()
export class DevelopmentKeyMinter implements OnApplicationBootstrap {
  constructor(
    @Inject(AUTH_REDIS) private readonly redis: Redis,
    @Inject(AUTH_ENVIRONMENT) private readonly env: AuthEnvironment,
    private readonly keys: ApiKeyStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env.MINT_DEV_KEY || this.env.ADMIN_API_KEY) return;
    const log = createLogger('auth');
    try {
      await waitUntilReady(this.redis, 5000);
      if (!(await this.keys.isEmpty())) return;
      if ((await this.redis.set(AUTH_KEYS.devKeyMinted, new Date().toISOString(), 'NX')) !== 'OK') return;
      const { key, record } = await this.keys.create({
        tenant: DEFAULT_TENANT,
        scopes: DEVELOPMENT_KEY_SCOPES,
        name: 'development key (npm start)',
      });
      log.info({ keyId: record.id, scopes: record.scopes }, 'minted a development key');
      process.stdout.write(developmentKeyBanner(key));
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'could not mint a development key');
    }
  }
}

export function developmentKeyBanner(key: string): string {
  const line = '='.repeat(78);
  return [
    '',
    line,
    ' streamscribe: no API key existed, so this development key was created (shown once):',
    '',
    `   ${key}`,
    '',
    ` tenant '${DEFAULT_TENANT}', scopes ${DEVELOPMENT_KEY_SCOPES.join(', ')}. Use it as`,
    `   curl -H "Authorization: Bearer ${key}" ...`,
    ' Keep it: it is stored only as a hash. Lost it? Make another (straight on Redis):',
    '   npm run keys -- create --tenant default --scopes transcribe,read',
    ' For the admin API, start the router with ADMIN_API_KEY set.',
    line,
    '',
    '',
  ].join('\n');
}
