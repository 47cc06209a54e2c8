export * from './lib/router-environment';
export * from './lib/tokens';
export * from './lib/audio-validation';
export * from './lib/provider-load.monitor';
export * from './lib/transcription-router.service';
export * from './lib/router-core.module';
export * from './lib/counting-exception.filter';
export * from './lib/http/configure-router-http';
