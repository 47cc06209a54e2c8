import type Redis from 'ioredis';
import { RequestAuth, Scope } from '@streamscribe/contracts';
import { hashSecret, newTemporaryToken } from './api-key-format';
import { AUTH_KEYS } from './auth-redis-keys';

/** Scopes a temporary token may carry: a browser may read and stream, never administer. */
export const TEMPORARY_TOKEN_SCOPES: readonly Scope[] = ['read', 'transcribe'];

/**
 * Short-lived, single-use tokens for browsers' WebSocket and EventSource, which cannot send an
 * Authorization header: minted with an API key, passed as `?token=`, consumed by the first upgrade
 * or request that presents it (GETDEL, so two routers cannot both accept it). Stored by hash, like
 * keys, so reading Redis does not yield a usable token.
 */
export class TemporaryTokens {
  constructor(private readonly redis: Redis) {}

  /** A token with the minting key's tenant and its read/transcribe scopes, valid `seconds`. */
  async mint(by: RequestAuth, seconds: number): Promise<{ token: string; scopes: Scope[] }> {
    const scopes = by.scopes.filter((s) => TEMPORARY_TOKEN_SCOPES.includes(s));
    const token = newTemporaryToken();
    const claims: RequestAuth = { tenant: by.tenant, keyId: by.keyId, scopes };
    await this.redis.set(AUTH_KEYS.temporaryToken(hashSecret(token)), JSON.stringify(claims), 'EX', seconds);
    return { token, scopes };
  }

  /** The token's claims, once: a second call with the same token answers undefined. */
  async consume(token: string): Promise<RequestAuth | undefined> {
    const raw = await this.redis.getdel(AUTH_KEYS.temporaryToken(hashSecret(token)));
    if (!raw) return undefined;
    const claims = JSON.parse(raw) as RequestAuth;
    return { tenant: claims.tenant, keyId: claims.keyId, scopes: claims.scopes };
  }
}
