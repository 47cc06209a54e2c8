/**
 * Where authentication lives in Redis. Global keys (not per session or partition): none of them
 * is touched together with a session's keys, so they need no hash tag on Redis Cluster.
 */
export const AUTH_KEYS = {
  /** Hash per API key: hash of the key, tenant, scopes, name, times (never the key itself). */
  apiKey: (keyId: string) => `streamscribe:auth:key:${keyId}`,
  /** Set of every key id, for listing. */
  apiKeyIds: 'streamscribe:auth:keys',
  /** String per temporary token, by the token's hash; consumed with GETDEL. */
  temporaryToken: (tokenHash: string) => `streamscribe:auth:token:${tokenHash}`,
  /** Counter of failed authentications from one client address in the current window. */
  failures: (address: string) => `streamscribe:auth:failures:${address}`,
  /** Set once a development key was minted, so two routers starting together mint one. */
  devKeyMinted: 'streamscribe:auth:dev-key-minted',
  /** Every admin action: who, what, when (never a secret). */
  audit: 'streamscribe:audit',
} as const;
