// Tenant completion webhooks: registration routes, signed durable deliveries, the allow-list.
export { CLAIM_DUE_SCRIPT } from './lib/claim-due.script';
export { WebhookDestinations } from './lib/webhook-destinations';
export { webhookKeys } from './lib/webhook-keys';
export { webhookMetrics } from './lib/webhook-metrics';
export { webhookBackoffMs, webhookSettingsFrom } from './lib/webhook-settings';
export type { WebhookSettings } from './lib/webhook-settings';
export { WEBHOOK_SIGNATURE_HEADER, verifyWebhookSignature, webhookSignature } from './lib/webhook-signature';
export { MAX_WEBHOOKS_PER_TENANT, WebhookService, payloadOf } from './lib/webhook.service';
export type {
  PublicWebhook,
  WebhookAttempt,
  WebhookDelivery,
  WebhookRegistration,
} from './lib/webhook.service';
export { CreateWebhookBody, DeliveriesQuery, WebhooksController } from './lib/webhooks.controller';
