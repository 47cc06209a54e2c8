/** The Redis connection quota state lives on (the router's fail-fast one). */
export const QUOTAS_REDIS = Symbol('QUOTAS_REDIS');
export const QUOTAS_ENVIRONMENT = Symbol('QUOTAS_ENVIRONMENT');
/** The key scheme whose tenant cost hashes the spend quota reads. */
export const QUOTAS_KEY_SCHEME = Symbol('QUOTAS_KEY_SCHEME');
