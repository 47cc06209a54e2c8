import type Redis from 'ioredis';
import { multiAcrossSlots, pipelineAcrossSlots } from '@streamscribe/redis';
import { Scope, tenantIdProblem } from '@streamscribe/contracts';
import { UNKNOWN_KEY_HASH, newApiKey, parseApiKey, secretMatchesHash, hashSecret } from './api-key-format';
import { ApiKeyRecord, recordFromFields, recordToFields, stateOf } from './api-key-record';
import { AUTH_KEYS } from './auth-redis-keys';

export interface NewApiKey {
  tenant: string;
  scopes: readonly Scope[];
  name: string;
  expiresInSeconds?: number;
}

/** A key as created: the only time its secret is seen. */
export interface CreatedApiKey {
  key: string;
  record: ApiKeyRecord;
}

export type KeyCheck =
  { ok: true; record: ApiKeyRecord } | { ok: false; reason: 'unrecognised' | 'revoked' | 'expired' };

interface CachedRecord {
  entry: { record: ApiKeyRecord; hash: string } | undefined;
  until: number;
}

/** lastUsedAt is written at most this often per key and router: a hint, not an access log. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** Past this many cached records the cache starts over (ids are random: a scan cannot grow it forever). */
const CACHE_LIMIT = 10_000;

/**
 * API keys in Redis, by key id: a lookup by the public id, then a constant-time comparison of the
 * presented key's SHA-256 with the stored one. Records are cached for `cacheMs`, so a key revoked
 * on another router keeps working here for at most that long; revoking through this store drops
 * its cached record at once.
 */
export class ApiKeyStore {
  private readonly cache = new Map<string, CachedRecord>();

  constructor(
    private readonly redis: Redis,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async create(request: NewApiKey): Promise<CreatedApiKey> {
    const problem = tenantIdProblem(request.tenant);
    if (problem) throw new Error(problem);
    const { keyId, key } = newApiKey();
    const createdAt = this.now();
    const record: ApiKeyRecord = {
      id: keyId,
      tenant: request.tenant,
      scopes: [...new Set(request.scopes)],
      name: request.name,
      createdAt,
      expiresAt:
        request.expiresInSeconds === undefined ? undefined : createdAt + request.expiresInSeconds * 1000,
    };
    // 64 random bits of key id: a collision is not expected in the life of a deployment, and
    // HSETNX on the hash field would still refuse to overwrite one.
    const fields = recordToFields(record, hashSecret(key));
    const fresh = await this.redis.hsetnx(AUTH_KEYS.apiKey(keyId), 'hash', fields['hash']);
    if (fresh !== 1) throw new Error('key id collision; try again');
    // The record before the index that lists it (on Cluster the two keys are in different slots).
    await multiAcrossSlots(this.redis)
      .hset(AUTH_KEYS.apiKey(keyId), fields)
      .sadd(AUTH_KEYS.apiKeyIds, keyId)
      .exec();
    return { key, record };
  }

  /** Every key (of one tenant, when given), newest first; never a secret or its hash. */
  async list(tenant?: string): Promise<ApiKeyRecord[]> {
    const ids = await this.redis.smembers(AUTH_KEYS.apiKeyIds);
    const pipeline = pipelineAcrossSlots(this.redis);
    for (const id of ids) pipeline.hgetall(AUTH_KEYS.apiKey(id));
    const replies = ((await pipeline.exec()) ?? []) as [Error | null, Record<string, string>][];
    return replies
      .map(([, fields], i) => recordFromFields(ids[i], fields ?? {})?.record)
      .filter((r): r is ApiKeyRecord => r !== undefined && (tenant === undefined || r.tenant === tenant))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    return (await this.read(keyId))?.record;
  }

  /** True when Redis holds no key at all (first run). */
  async isEmpty(): Promise<boolean> {
    return (await this.redis.scard(AUTH_KEYS.apiKeyIds)) === 0;
  }

  /**
   * Revokes a key now (or at `at`, for a rotation's grace period). Revoking a revoked key keeps
   * its first revocation time. Undefined when no such key.
   */
  async revoke(keyId: string, at = this.now()): Promise<ApiKeyRecord | undefined> {
    const current = await this.read(keyId);
    if (!current) return undefined;
    const existing = current.record.revokedAt;
    const revokedAt = existing !== undefined && existing <= at ? existing : at;
    await this.redis.hset(AUTH_KEYS.apiKey(keyId), 'revokedAt', String(revokedAt));
    this.cache.delete(keyId);
    return { ...current.record, revokedAt };
  }

  /**
   * A new key with the same tenant, scopes, name and expiry; the old one is revoked now, or after
   * `graceSeconds` so clients can switch over. Undefined when no such key or it is already revoked.
   */
  async rotate(
    keyId: string,
    graceSeconds = 0,
  ): Promise<{ created: CreatedApiKey; old: ApiKeyRecord } | undefined> {
    const current = await this.read(keyId);
    if (!current || stateOf(current.record, this.now()) === 'revoked') return undefined;
    const { record } = current;
    const remaining =
      record.expiresAt === undefined
        ? undefined
        : Math.max(1, Math.ceil((record.expiresAt - this.now()) / 1000));
    const created = await this.create({
      tenant: record.tenant,
      scopes: record.scopes,
      name: record.name,
      expiresInSeconds: remaining,
    });
    await this.redis.hset(AUTH_KEYS.apiKey(keyId), 'replacedBy', created.record.id);
    const old = await this.revoke(keyId, this.now() + graceSeconds * 1000);
    return { created, old: { ...(old as ApiKeyRecord), replacedBy: created.record.id } };
  }

  /**
   * Checks a presented key. Unknown key ids and wrong secrets both answer `unrecognised` after the
   * same hash comparison; only the holder of the right secret learns that it expired or was revoked.
   */
  async check(presented: string): Promise<KeyCheck> {
    const parsed = parseApiKey(presented);
    const entry = parsed ? await this.readCached(parsed.keyId) : undefined;
    const matches = secretMatchesHash(presented, entry?.hash ?? UNKNOWN_KEY_HASH);
    if (!entry || !matches) return { ok: false, reason: 'unrecognised' };
    const state = stateOf(entry.record, this.now());
    if (state === 'revoked' || state === 'expired') return { ok: false, reason: state };
    this.touch(entry.record);
    return { ok: true, record: entry.record };
  }

  /** The key's record when it still works (for temporary tokens minted by it). */
  async stillValid(keyId: string): Promise<boolean> {
    const entry = await this.readCached(keyId);
    if (!entry) return false;
    const state = stateOf(entry.record, this.now());
    return state === 'active' || state === 'rotating';
  }

  private async readCached(keyId: string): Promise<CachedRecord['entry']> {
    const now = this.now();
    const cached = this.cache.get(keyId);
    if (cached && cached.until > now) return cached.entry;
    const entry = await this.read(keyId);
    if (this.cacheMs > 0) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(keyId, { entry, until: now + this.cacheMs });
    }
    return entry;
  }

  private async read(keyId: string): Promise<CachedRecord['entry']> {
    if (!/^[0-9a-f]{16}$/.test(keyId)) return undefined;
    return recordFromFields(keyId, await this.redis.hgetall(AUTH_KEYS.apiKey(keyId)));
  }

  private touch(record: ApiKeyRecord): void {
    const now = this.now();
    if (record.lastUsedAt !== undefined && now - record.lastUsedAt < LAST_USED_RESOLUTION_MS) return;
    // The cached record is updated too, so this router writes at most once per resolution.
    record.lastUsedAt = now;
    this.redis.hset(AUTH_KEYS.apiKey(record.id), 'lastUsedAt', String(now)).catch(() => undefined);
  }
}
