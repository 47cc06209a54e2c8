/** The router's fail-fast Redis connection (commands fail at once while Redis is down → 503). */
export const ROUTER_REDIS = Symbol('ROUTER_REDIS');
export const ROUTER_ENVIRONMENT = Symbol('ROUTER_ENVIRONMENT');
