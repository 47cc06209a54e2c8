export * from './lib/transcription-provider';
export * from './lib/provider-error';
export * from './lib/deepgram/deepgram-provider.options';
export * from './lib/deepgram/deepgram.provider';
