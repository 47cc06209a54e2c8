import type { ReadinessCheck } from '@streamscribe/observability';
import type { TranscriptionProvider } from '@streamscribe/providers';

/**
 * Not ready while the provider's last answer rejected the API key: the orchestrator (and whoever
 * reads /health/ready) sees the wrong key, instead of a worker that quietly fails every chunk over.
 */
export function providerCredentialsCheck(provider: TranscriptionProvider): ReadinessCheck {
  return {
    name: `${provider.name}-credentials`,
    check: async () => {
      const problem = provider.credentialsProblem?.();
      if (problem) throw new Error(problem);
    },
  };
}
