import { redactText, redactValue, registerSecret, registerSecretsFromEnvironment } from './redact';

describe('redactText', () => {
  it('masks the userinfo of URLs, parseable or not', () => {
    expect(redactText('redis at redis://default:s3cret-pw@10.0.0.1:6379/0 is down')).toBe(
      'redis at redis://[redacted]@10.0.0.1:6379/0 is down',
    );
    expect(redactText('"rediss://user:p@ss@word@host:6380"')).toBe('"rediss://[redacted]@host:6380"');
    expect(redactText('see http://example.com/a and bob@example.com')).toBe(
      'see http://example.com/a and bob@example.com',
    );
  });

  it('masks Authorization-style credentials', () => {
    expect(redactText('Authorization: Bearer abcdef123456')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('Authorization: Token dg_0123456789')).toBe('Authorization: Token [redacted]');
    expect(redactText('sec-websocket-protocol: token, abcdef123456')).toBe(
      'sec-websocket-protocol: token, [redacted]',
    );
  });

  it('masks registered secret values wherever they appear', () => {
    registerSecret('planted-provider-key-42');
    expect(redactText('401 from provider: key planted-provider-key-42 is invalid')).toBe(
      '401 from provider: key [redacted] is invalid',
    );
  });

  it('registers secret-named variables and the password of a malformed URL', () => {
    registerSecretsFromEnvironment({
      ACME_API_KEY: 'acme-key-value-1',
      REDIS_URL: 'redis//default:pw-malformed-9@host',
      PORT: '8080',
    });
    expect(redactText('ACME says acme-key-value-1')).toBe('ACME says [redacted]');
    expect(redactText('bad pw-malformed-9')).toBe('bad [redacted]');
    expect(redactText('port 8080')).toBe('port 8080');
  });

  it('redacts nested fields and errors', () => {
    registerSecret('nested-secret-77');
    expect(redactValue({ a: ['x nested-secret-77'], err: new Error('nested-secret-77') })).toEqual({
      a: ['x [redacted]'],
      err: expect.objectContaining({ message: '[redacted]' }),
    });
  });
});
