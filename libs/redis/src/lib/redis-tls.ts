import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

/** Where the TLS material for Redis connections is: the REDIS_TLS_* settings, '' when unset. */
export interface RedisTlsSettings {
  REDIS_URL: string;
  /** PEM CA bundle that signed the server's certificate (instead of the system's CAs). */
  REDIS_TLS_CA_FILE: string;
  /** PEM client certificate, for servers that ask for one (`tls-auth-clients yes`). */
  REDIS_TLS_CERT_FILE: string;
  /** PEM private key of the client certificate. */
  REDIS_TLS_KEY_FILE: string;
  /** Host name the server's certificate must name, when it differs from REDIS_URL's host. */
  REDIS_TLS_SERVERNAME: string;
}

/** What ioredis' `tls` option gets: Node's TLS options, the files already read. */
export type RedisTlsOptions = ConnectionOptions;

/**
 * The TLS options every Redis connection of an app uses, or undefined for plain TCP. Read once at
 * startup: a file that cannot be read stops the app with an error naming the setting and the path
 * (never the file's contents). Verification is always on: there is no setting to turn it off.
 */
export function redisTlsFrom(settings: RedisTlsSettings): RedisTlsOptions | undefined {
  const files = {
    REDIS_TLS_CA_FILE: settings.REDIS_TLS_CA_FILE,
    REDIS_TLS_CERT_FILE: settings.REDIS_TLS_CERT_FILE,
    REDIS_TLS_KEY_FILE: settings.REDIS_TLS_KEY_FILE,
  };
  const secure = settings.REDIS_URL.startsWith('rediss://');
  const tlsSettings = [...Object.entries(files), ['REDIS_TLS_SERVERNAME', settings.REDIS_TLS_SERVERNAME]];
  const given = tlsSettings.filter(([, value]) => value !== '').map(([name]) => name);
  if (!secure) {
    if (given.length > 0)
      throw new Error(
        `${given.join(', ')} set but REDIS_URL is not rediss://: use rediss://host:port to connect with TLS`,
      );
    return undefined;
  }
  if ((files.REDIS_TLS_CERT_FILE === '') !== (files.REDIS_TLS_KEY_FILE === ''))
    throw new Error('REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together: set both or neither');
  const options: RedisTlsOptions = {};
  if (files.REDIS_TLS_CA_FILE) options.ca = readSetting('REDIS_TLS_CA_FILE', files.REDIS_TLS_CA_FILE);
  if (files.REDIS_TLS_CERT_FILE) options.cert = readSetting('REDIS_TLS_CERT_FILE', files.REDIS_TLS_CERT_FILE);
  if (files.REDIS_TLS_KEY_FILE) options.key = readSetting('REDIS_TLS_KEY_FILE', files.REDIS_TLS_KEY_FILE);
  if (settings.REDIS_TLS_SERVERNAME) options.servername = settings.REDIS_TLS_SERVERNAME;
  return options;
}

function readSetting(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`${name}: cannot read ${path} (${code}); check the path and that this user may read it`);
  }
}
