export * from './lib/worker-environment';
export * from './lib/tokens';
export * from './lib/chunk-processor';
export * from './lib/transcription-worker.module';
export * from './lib/bootstrap-worker';
export * from './lib/chunk-settler';
export * from './lib/cost-accountant';
