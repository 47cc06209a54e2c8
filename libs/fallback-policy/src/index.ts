export * from './lib/select-provider';
