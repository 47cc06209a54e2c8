import { counter } from '@streamscribe/observability';

export const providerMetrics = {
  durationMismatches: counter({
    name: 'streamscribe_audio_duration_mismatches_total',
    help: 'Results whose provider-reported duration differs from the duration measured from the audio sent',
    labelNames: ['provider'] as const,
  }),
  credentialRejections: counter({
    name: 'streamscribe_provider_credential_rejections_total',
    help: 'Provider answers of 401/403: the API key is missing, wrong or revoked',
    labelNames: ['provider'] as const,
  }),
};
