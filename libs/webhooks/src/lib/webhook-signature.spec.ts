import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const body = '{"type":"transcription.completed"}';

  it('is t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">', () => {
    const expected = createHmac('sha256', 'whsec_a').update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature('whsec_a', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies within the tolerance and refuses a wrong secret, body, timestamp or an old one', () => {
    const header = webhookSignature('whsec_a', body, 1_700_000_000);
    expect(verifyWebhookSignature('whsec_a', body, header, 1_700_000_100)).toBe(true);
    expect(verifyWebhookSignature('whsec_b', body, header, 1_700_000_100)).toBe(false);
    expect(verifyWebhookSignature('whsec_a', `${body} `, header, 1_700_000_100)).toBe(false);
    expect(
      verifyWebhookSignature('whsec_a', body, header.replace('t=1700000000', 't=1700000001'), 1_700_000_100),
    ).toBe(false);
    expect(verifyWebhookSignature('whsec_a', body, header, 1_700_000_301)).toBe(false);
    expect(verifyWebhookSignature('whsec_a', body, undefined, 1_700_000_000)).toBe(false);
    expect(verifyWebhookSignature('whsec_a', body, 't=1700000000,v1=abc', 1_700_000_000)).toBe(false);
  });
});
