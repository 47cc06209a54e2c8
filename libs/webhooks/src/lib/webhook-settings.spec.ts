import { webhookBackoffMs, webhookSettingsFrom } from './webhook-settings';

describe('webhook settings', () => {
  it('has the documented defaults, webhooks disabled', () => {
    expect(webhookSettingsFrom({})).toEqual({
      allowedDestinations: '',
      maxAttempts: 8,
      backoffMs: 1000,
      maxBackoffMs: 3_600_000,
      timeoutMs: 10_000,
      pollMs: 500,
    });
  });

  it('refuses a setting that is not an integer in range', () => {
    expect(() => webhookSettingsFrom({ WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOK_MAX_ATTEMPTS/);
    expect(() => webhookSettingsFrom({ WEBHOOK_BACKOFF_MS: 'soon' })).toThrow(/WEBHOOK_BACKOFF_MS/);
  });

  it('doubles the wait after each failed attempt, up to WEBHOOK_MAX_BACKOFF_MS', () => {
    const settings = webhookSettingsFrom({ WEBHOOK_BACKOFF_MS: '1000', WEBHOOK_MAX_BACKOFF_MS: '5000' });
    expect([1, 2, 3, 4, 5].map((attempt) => webhookBackoffMs(settings, attempt))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });
});
