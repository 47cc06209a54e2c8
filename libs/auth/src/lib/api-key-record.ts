import { SCOPES, Scope } from '@streamscribe/contracts';

/** A stored API key as admins see it: everything but the secret, which is never stored. */
export interface ApiKeyRecord {
  id: string;
  tenant: string;
  scopes: Scope[];
  name: string;
  /** Epoch ms. */
  createdAt: number;
  expiresAt?: number;
  /** When the key stops (or stopped) working; in the future during a rotation's grace period. */
  revokedAt?: number;
  /** Coarse: updated at most once a minute per router. */
  lastUsedAt?: number;
  /** The key that replaced this one in a rotation. */
  replacedBy?: string;
}

/** The key record as the admin API shows it (times as ISO strings). */
export interface ApiKeyView {
  id: string;
  tenant: string;
  scopes: Scope[];
  name: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
  replacedBy?: string;
  state: 'active' | 'expired' | 'revoked' | 'rotating';
}

export function viewOf(record: ApiKeyRecord, now = Date.now()): ApiKeyView {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    id: record.id,
    tenant: record.tenant,
    scopes: record.scopes,
    name: record.name,
    createdAt: iso(record.createdAt) as string,
    expiresAt: iso(record.expiresAt),
    revokedAt: iso(record.revokedAt),
    lastUsedAt: iso(record.lastUsedAt),
    replacedBy: record.replacedBy,
    state: stateOf(record, now),
  };
}

export function stateOf(record: ApiKeyRecord, now = Date.now()): ApiKeyView['state'] {
  if (record.revokedAt !== undefined && record.revokedAt <= now) return 'revoked';
  if (record.expiresAt !== undefined && record.expiresAt <= now) return 'expired';
  return record.revokedAt !== undefined ? 'rotating' : 'active';
}

/** Hash fields ↔ record. `hash` is the SHA-256 of the whole key (see hashSecret). */
export function recordToFields(record: ApiKeyRecord, hash: string): Record<string, string> {
  const fields: Record<string, string> = {
    hash,
    tenant: record.tenant,
    scopes: record.scopes.join(','),
    name: record.name,
    createdAt: String(record.createdAt),
  };
  if (record.expiresAt !== undefined) fields['expiresAt'] = String(record.expiresAt);
  return fields;
}

export function recordFromFields(
  id: string,
  fields: Record<string, string>,
): { record: ApiKeyRecord; hash: string } | undefined {
  if (!fields['hash'] || !fields['tenant']) return undefined;
  const time = (name: string) => (fields[name] ? Number(fields[name]) : undefined);
  return {
    hash: fields['hash'],
    record: {
      id,
      tenant: fields['tenant'],
      scopes: (fields['scopes'] ?? '').split(',').filter((s): s is Scope => SCOPES.includes(s as Scope)),
      name: fields['name'] ?? '',
      createdAt: time('createdAt') ?? 0,
      expiresAt: time('expiresAt'),
      revokedAt: time('revokedAt'),
      lastUsedAt: time('lastUsedAt'),
      replacedBy: fields['replacedBy'] || undefined,
    },
  };
}
