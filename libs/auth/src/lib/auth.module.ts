import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type Redis from 'ioredis';
import { validateEnvironment } from '@streamscribe/config';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStore } from './api-key.store';
import { AuditLog } from './audit-log';
import { AuthEnvironment } from './auth-environment';
import { AUTH_ENVIRONMENT, AUTH_REDIS } from './auth.tokens';
import { Authenticator } from './authenticator';
import { DevelopmentKeyMinter } from './development-key';
import { FailedAttemptThrottle } from './failed-attempt.throttle';
import { TemporaryTokens } from './temporary-tokens';

export interface AuthModuleOptions {
  /** Modules that provide `redis`. */
  imports: ModuleMetadata['imports'];
  /** The token of the Redis connection to keep keys, tokens, failures and the audit stream on. */
  redis: InjectionToken;
}

/**
 * API keys, temporary tokens, failed-attempt throttling and the audit log, with ApiKeyGuard as a
 * global guard. Settings (AuthEnvironment) are read from the environment here.
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: options.imports,
      providers: [
        { provide: AUTH_REDIS, useExisting: options.redis },
        { provide: AUTH_ENVIRONMENT, useFactory: () => validateEnvironment(AuthEnvironment, process.env) },
        {
          provide: ApiKeyStore,
          inject: [AUTH_REDIS, AUTH_ENVIRONMENT],
          useFactory: (redis: Redis, env: AuthEnvironment) => new ApiKeyStore(redis, env.AUTH_CACHE_MS),
        },
        {
          provide: TemporaryTokens,
          inject: [AUTH_REDIS],
          useFactory: (redis: Redis) => new TemporaryTokens(redis),
        },
        {
          provide: FailedAttemptThrottle,
          inject: [AUTH_REDIS, AUTH_ENVIRONMENT],
          useFactory: (redis: Redis, env: AuthEnvironment) =>
            new FailedAttemptThrottle(redis, env.AUTH_FAILURE_LIMIT, env.AUTH_FAILURE_WINDOW_SECONDS),
        },
        {
          provide: AuditLog,
          inject: [AUTH_REDIS, AUTH_ENVIRONMENT],
          useFactory: (redis: Redis, env: AuthEnvironment) => new AuditLog(redis, env.AUDIT_MAX_ENTRIES),
        },
        {
          provide: Authenticator,
          inject: [ApiKeyStore, TemporaryTokens, FailedAttemptThrottle, AUTH_ENVIRONMENT],
          useFactory: (
            keys: ApiKeyStore,
            tokens: TemporaryTokens,
            throttle: FailedAttemptThrottle,
            env: AuthEnvironment,
          ) =>
            new Authenticator(keys, tokens, throttle, {
              adminApiKey: env.ADMIN_API_KEY,
              trustProxy: env.TRUST_PROXY,
            }),
        },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        DevelopmentKeyMinter,
      ],
      exports: [ApiKeyStore, TemporaryTokens, AuditLog, Authenticator, AUTH_ENVIRONMENT],
    };
  }
}
