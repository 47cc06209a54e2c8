import { counter } from '@streamscribe/observability';

/**
 * Refusals by reason and tenant. A tenant label is bounded: tenants exist only as an operator
 * creates them (with their API keys), and a request without a key counts as the default tenant,
 * so no client can mint label values. Series: tenants × reasons.
 */
export const quotaMetrics = {
  refusals: counter({
    name: 'streamscribe_quota_refusals_total',
    help: 'Requests (or hedges) refused by a quota or a tenant setting, by reason and tenant',
    labelNames: ['reason', 'tenant'] as const,
  }),
};
