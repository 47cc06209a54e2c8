/**
 * The bootstrap admin key (ADMIN_API_KEY) test and benchmark routers get: every scope, tenant
 * `default`. Every /v1 route needs a key, so clients in tests send it (`keyedFetch`, `KEYED`).
 */
export const TEST_ADMIN_API_KEY = 'test-admin-key-0123456789abcdef';

/** `Authorization: Bearer <TEST_ADMIN_API_KEY>`, for ws clients and explicit headers. */
export const KEYED = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` } as const;

/**
 * fetch with the test admin key unless the call sets its own Authorization (use the global
 * `fetch` for anonymous requests). Specs import it as `fetch`, so their calls read as before.
 */
export function keyedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', KEYED.authorization);
  return fetch(input, { ...init, headers });
}
