import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisTlsSettings, redisTlsFrom } from './redis-tls';

describe('redisTlsFrom', () => {
  let dir: string;
  const none: RedisTlsSettings = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_TLS_CA_FILE: '',
    REDIS_TLS_CERT_FILE: '',
    REDIS_TLS_KEY_FILE: '',
    REDIS_TLS_SERVERNAME: '',
  };
  const secure = (settings: Partial<RedisTlsSettings>): RedisTlsSettings => ({
    ...none,
    REDIS_URL: 'rediss://app:s3cr3t-pa55@redis.internal:6380',
    ...settings,
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redis-tls-spec-'));
    for (const name of ['ca.pem', 'client.pem', 'client.key']) writeFileSync(join(dir, name), `PEM ${name}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is plain TCP for redis:// and the system CAs for a bare rediss://', () => {
    expect(redisTlsFrom(none)).toBeUndefined();
    expect(redisTlsFrom(secure({}))).toEqual({});
  });

  it('reads the CA, client certificate and key, and takes the server name', () => {
    const tls = redisTlsFrom(
      secure({
        REDIS_TLS_CA_FILE: join(dir, 'ca.pem'),
        REDIS_TLS_CERT_FILE: join(dir, 'client.pem'),
        REDIS_TLS_KEY_FILE: join(dir, 'client.key'),
        REDIS_TLS_SERVERNAME: 'redis.example.com',
      }),
    );
    expect(tls).toEqual({
      ca: Buffer.from('PEM ca.pem'),
      cert: Buffer.from('PEM client.pem'),
      key: Buffer.from('PEM client.key'),
      servername: 'redis.example.com',
    });
  });

  it("names the setting and path of a file it cannot read, and never the URL's password", () => {
    const missing = join(dir, 'nope.pem');
    const attempt = () => redisTlsFrom(secure({ REDIS_TLS_CA_FILE: missing }));
    expect(attempt).toThrow(`REDIS_TLS_CA_FILE: cannot read ${missing} (ENOENT)`);
    expect(attempt).not.toThrow(/s3cr3t/);
  });

  it('refuses TLS files with a redis:// URL, and a certificate without its key', () => {
    expect(() => redisTlsFrom({ ...none, REDIS_TLS_CA_FILE: join(dir, 'ca.pem') })).toThrow(
      /REDIS_TLS_CA_FILE set but REDIS_URL is not rediss:\/\//,
    );
    expect(() => redisTlsFrom(secure({ REDIS_TLS_CERT_FILE: join(dir, 'client.pem') }))).toThrow(
      /REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together/,
    );
  });
});
