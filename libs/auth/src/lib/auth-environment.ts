import { IsBoolean, IsInt, IsString, Max, Min, MinLength, ValidateIf } from 'class-validator';

/** Authentication settings of the router; defaults are docs/configuration.md's. */
export class AuthEnvironment {
  /**
   * Bootstrap admin key for automation (tenant `default`, every scope), compared in constant time.
   * Empty: only keys stored in Redis are accepted.
   */
  @ValidateIf((settings: AuthEnvironment) => settings.ADMIN_API_KEY !== '')
  @IsString()
  @MinLength(24, { message: 'ADMIN_API_KEY must be at least 24 characters (use `openssl rand -base64 32`)' })
  ADMIN_API_KEY = '';

  /**
   * How long a router reuses a key record it read from Redis, in ms. A key revoked (or rotated
   * out) on another router stops working here within this time; on the router that revoked it,
   * at once.
   */
  @IsInt({ message: 'AUTH_CACHE_MS must be an integer' })
  @Min(0)
  @Max(60_000)
  AUTH_CACHE_MS = 5000;

  /** Failed authentications one client address may make per window before it gets 429. */
  @IsInt({ message: 'AUTH_FAILURE_LIMIT must be an integer' })
  @Min(1)
  AUTH_FAILURE_LIMIT = 20;

  /** The failed-attempt window, in seconds. */
  @IsInt({ message: 'AUTH_FAILURE_WINDOW_SECONDS must be an integer' })
  @Min(1)
  @Max(86_400)
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  /** The longest life a temporary token (POST /v1/auth/tokens) may ask for, in seconds. */
  @IsInt({ message: 'AUTH_TOKEN_MAX_SECONDS must be an integer' })
  @Min(1)
  @Max(3600)
  AUTH_TOKEN_MAX_SECONDS = 600;

  /**
   * Behind a reverse proxy: take the client address from the last `X-Forwarded-For` entry (the one
   * the proxy appended) instead of the socket. Off, a client could choose its own address.
   */
  @IsBoolean({ message: 'TRUST_PROXY must be true or false' })
  TRUST_PROXY = false;

  /**
   * Mint and print a development key on start when no ADMIN_API_KEY is set and Redis holds no key
   * (`npm start` sets it; leave it off in production).
   */
  @IsBoolean({ message: 'MINT_DEV_KEY must be true or false' })
  MINT_DEV_KEY = false;

  /** Entries the audit stream keeps (approximately: MAXLEN ~). */
  @IsInt({ message: 'AUDIT_MAX_ENTRIES must be an integer' })
  @Min(100)
  AUDIT_MAX_ENTRIES = 100_000;
}
