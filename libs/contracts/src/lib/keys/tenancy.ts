/**
 * Tenants and what a request is allowed to do. Every API key belongs to one tenant; everything a
 * key's requests create (sessions, results, costs, dead letters) is that tenant's alone.
 */
export const DEFAULT_TENANT = 'default';

/** Tenant ids become part of Redis keys: lower-case letters, digits and '-', at most 63. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function tenantIdProblem(tenant: string): string | undefined {
  return TENANT_ID_PATTERN.test(tenant)
    ? undefined
    : `tenant id '${tenant.slice(0, 80)}' is malformed: use 1-63 lower-case letters, digits or '-', starting with a letter or digit`;
}

/** The tenant an entry belongs to: its `tenant` field, or the default tenant on a classic entry. */
export function tenantOf(entry: { tenant?: string }): string {
  return entry.tenant || DEFAULT_TENANT;
}

/** What a key may do: post audio, read results, administer keys, tenants and dead letters. */
export const SCOPES = ['transcribe', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who made a request, as the authentication guard found it (set on the request as `auth`). */
export interface RequestAuth {
  tenant: string;
  /** The API key's public id (never the secret), or 'bootstrap' for ADMIN_API_KEY. */
  keyId: string;
  scopes: readonly Scope[];
}

/**
 * The tenant a request (HTTP, or a WebSocket's upgrade request) acts for: its key's tenant
 * (`request.auth`, set by the authentication guard), or the default tenant when none was set.
 */
export function tenantOfRequest(request: { auth?: RequestAuth }): string {
  return request.auth?.tenant ?? DEFAULT_TENANT;
}
