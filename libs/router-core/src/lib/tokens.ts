/** The router's fail-fast Redis connection (commands fail at once while Redis is down → 503). */
export const ROUTER_REDIS = Symbol('ROUTER_REDIS');
export const ROUTER_ENVIRONMENT = Symbol('ROUTER_ENVIRONMENT');
/**
 * RetentionPolicy: how long each tenant's sessions are kept. SESSION_RETENTION_SECONDS for every
 * tenant unless a tenant store (the quotas lane) provides this token.
 */
export const SESSION_RETENTION = Symbol('SESSION_RETENTION');
