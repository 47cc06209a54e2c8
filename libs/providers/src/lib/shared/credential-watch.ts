import type { ProviderName } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { ProviderError } from '../provider-error';
import { providerMetrics } from './provider-metrics';

/**
 * Remembers whether a provider's last answer rejected our credentials (401/403), so a worker with a
 * wrong key says so once, loudly, naming the variable — and reports not-ready — instead of quietly
 * failing every chunk over. Any later success clears it (a rotated key that works again).
 */
export class CredentialWatch {
  private readonly log = createLogger('credentials');
  private problem?: string;

  constructor(
    private readonly provider: ProviderName,
    /** The setting that holds the key, named in the log line. */
    private readonly variable: string,
  ) {}

  /** Passes the error through, noting a credential rejection. */
  observe(error: ProviderError): ProviderError {
    if (error.statusCode !== 401 && error.statusCode !== 403) return error;
    providerMetrics.credentialRejections.inc({ provider: this.provider });
    if (!this.problem) {
      this.log.error(
        { provider: this.provider, statusCode: error.statusCode, err: error.message },
        `${this.provider} rejected the API key (${error.statusCode}): set a valid ${this.variable}; chunks fail over until then`,
      );
    }
    this.problem = `${this.provider} rejected ${this.variable} (${error.statusCode}): ${error.message}`;
    return error;
  }

  succeeded(): void {
    if (!this.problem) return;
    this.problem = undefined;
    this.log.info({ provider: this.provider }, `${this.provider} accepts ${this.variable} again`);
  }

  current(): string | undefined {
    return this.problem;
  }
}
