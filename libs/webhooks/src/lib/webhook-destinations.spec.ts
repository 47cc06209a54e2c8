import { WebhookDestinations } from './webhook-destinations';

describe('WebhookDestinations (WEBHOOK_ALLOWED_DESTINATIONS)', () => {
  it('is disabled when empty, and then refuses everything', () => {
    const none = new WebhookDestinations(' , ');
    expect(none.enabled).toBe(false);
    expect(none.problem('https://hooks.example.com/x')).toMatch(/disabled/);
  });

  it('admits an origin entry with its exact scheme, host and port', () => {
    const list = new WebhookDestinations('http://127.0.0.1:4000,https://hooks.example.com');
    expect(list.problem('http://127.0.0.1:4000/in?x=1')).toBeNull();
    expect(list.problem('https://hooks.example.com/a/b')).toBeNull();
    expect(list.problem('https://hooks.example.com:443/a')).toBeNull();
    expect(list.problem('http://127.0.0.1:4001/in')).toMatch(/not in the operator/);
    expect(list.problem('https://127.0.0.1:4000/in')).toMatch(/not in the operator/);
    expect(list.problem('http://hooks.example.com/a')).toMatch(/not in the operator/);
    expect(list.problem('https://hooks.example.com.evil.test/a')).toMatch(/not in the operator/);
  });

  it('admits host patterns over https only, any port, with * for one or more labels', () => {
    const list = new WebhookDestinations('*.hooks.example.com, api.example.org');
    expect(list.problem('https://a.hooks.example.com/in')).toBeNull();
    expect(list.problem('https://a.b.hooks.example.com:8443/in')).toBeNull();
    expect(list.problem('https://API.example.org/in')).toBeNull();
    expect(list.problem('https://hooks.example.com/in')).toMatch(/not in the operator/);
    expect(list.problem('https://evilhooks.example.com/in')).toMatch(/not in the operator/);
    expect(list.problem('https://a.hooks.example.com.evil.test/in')).toMatch(/not in the operator/);
    expect(list.problem('http://a.hooks.example.com/in')).toMatch(/not in the operator/);
    expect(list.problem('https://api-example.org/in')).toMatch(/not in the operator/);
  });

  it('refuses what is not an http(s) URL, or carries credentials', () => {
    const list = new WebhookDestinations('*.example.com');
    expect(list.problem('not a url')).toMatch(/absolute/);
    expect(list.problem('ftp://a.example.com/x')).toMatch(/http\(s\)/);
    expect(list.problem('https://user:pw@a.example.com/x')).toMatch(/credentials/);
  });
});
