/** The Redis connection authentication uses (the router's, passed to AuthModule.forRoot). */
export const AUTH_REDIS = Symbol('AUTH_REDIS');
export const AUTH_ENVIRONMENT = Symbol('AUTH_ENVIRONMENT');
