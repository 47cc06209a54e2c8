export * from './lib/redis-harness';
