export * from './lib/validate-environment';
export * from './lib/common-environment';
export * from './lib/settings-from-config';
