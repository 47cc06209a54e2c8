import { IsInt, Min } from 'class-validator';
import { CommonEnvironment } from './common-environment';
import { validateEnvironment } from './validate-environment';

class TestEnvironment extends CommonEnvironment {
  @IsInt({ message: 'WORKER_CONCURRENCY must be an integer' })
  @Min(1)
  WORKER_CONCURRENCY = 8;
}

describe('validateEnvironment', () => {
  it('keeps defaults for unset or empty variables and converts numbers', () => {
    const env = validateEnvironment(TestEnvironment, { WORKER_CONCURRENCY: '3', REDIS_URL: '' });
    expect(env.WORKER_CONCURRENCY).toBe(3);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.SESSION_TTL_SECONDS).toBe(86_400);
  });

  it('names every bad variable', () => {
    expect(() =>
      validateEnvironment(TestEnvironment, { WORKER_CONCURRENCY: 'many', REDIS_URL: 'localhost:6379' }),
    ).toThrow(
      /WORKER_CONCURRENCY="many": .*must be an integer[\s\S]*REDIS_URL="localhost:6379": REDIS_URL must look like/,
    );
  });

  it('never echoes a password, even in a REDIS_URL too malformed to parse, nor a secret-named value', () => {
    const attempt = () =>
      validateEnvironment(TestEnvironment, {
        REDIS_URL: 'redis//default:hunter2-planted@10.0.0.5:6379',
        WORKER_CONCURRENCY: 'sk-planted-key-123',
      });
    expect(attempt).toThrow(/REDIS_URL=.*\[redacted\]@10\.0\.0\.5:6379/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});

describe('Redis TLS settings', () => {
  it('names a TLS file setting whose file cannot be read, with its path', () => {
    expect(() =>
      validateEnvironment(TestEnvironment, {
        REDIS_URL: 'rediss://redis:6380',
        REDIS_TLS_CA_FILE: '/nonexistent/ca.pem',
        REDIS_TLS_KEY_FILE: __dirname,
      }),
    ).toThrow(
      /REDIS_TLS_CA_FILE="\/nonexistent\/ca.pem": REDIS_TLS_CA_FILE must name a readable file[\s\S]*REDIS_TLS_KEY_FILE=.*must name a readable file/,
    );
  });

  it('takes readable files and leaves unset ones empty', () => {
    const env = validateEnvironment(TestEnvironment, { REDIS_TLS_CA_FILE: __filename });
    expect(env.REDIS_TLS_CA_FILE).toBe(__filename);
    expect(env.REDIS_TLS_CERT_FILE).toBe('');
  });
});
