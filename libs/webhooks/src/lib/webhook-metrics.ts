import { counter } from '@streamscribe/observability';

export const webhookMetrics = {
  attempts: counter({
    name: 'streamscribe_webhook_attempts_total',
    help: 'Webhook delivery attempts, by outcome (delivered, http_error, network_error, refused)',
    labelNames: ['outcome'] as const,
  }),
  deliveries: counter({
    name: 'streamscribe_webhook_deliveries_total',
    help: 'Webhook deliveries finished, by result (delivered, or failed after WEBHOOK_MAX_ATTEMPTS)',
    labelNames: ['result'] as const,
  }),
  queued: counter({
    name: 'streamscribe_webhook_deliveries_queued_total',
    help: 'Webhook deliveries queued for a completed file or session (one per webhook and session)',
  }),
};
