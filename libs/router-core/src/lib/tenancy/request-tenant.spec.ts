import { DEFAULT_TENANT } from '@streamscribe/contracts';
import { tenantOfRequest, viewedTenant } from './request-tenant';

describe('the tenant of a request', () => {
  const key = (tenant: string, admin = false) => ({
    auth: { tenant, keyId: 'k1', scopes: admin ? (['read', 'admin'] as const) : (['read'] as const) },
  });

  it("is the key's tenant, or the default tenant when no guard set one", () => {
    expect(tenantOfRequest(key('acme'))).toBe('acme');
    expect(tenantOfRequest({})).toBe(DEFAULT_TENANT);
  });

  it("lets only an admin widen a view to another tenant's, or every tenant's", () => {
    expect(viewedTenant(key('acme'), 'other')).toBe('acme');
    expect(viewedTenant(key('acme'))).toBe('acme');
    expect(viewedTenant(key('ops', true), 'other')).toBe('other');
    expect(viewedTenant(key('ops', true))).toBeUndefined();
  });
});
