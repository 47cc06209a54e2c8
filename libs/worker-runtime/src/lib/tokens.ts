/** The worker's own Redis connection for result and failure writes (not the transport's). */
export const WORKER_REDIS = Symbol('WORKER_REDIS');
/** The validated WorkerEnvironment (or the app's subclass of it). */
export const WORKER_ENVIRONMENT = Symbol('WORKER_ENVIRONMENT');
