export * from './lib/sessions-options';
export * from './lib/chunk-ingestor';
export * from './lib/result-store';
export * from './lib/result-watcher';
export * from './lib/transcript';
export * from './lib/transcript-reader';
export * from './lib/cost-totals';
