export * from './lib/logger';
export * from './lib/metrics';
