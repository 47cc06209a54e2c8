import { LiveFeedCaps, LiveFeedRefused } from './live-feed-caps';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof LiveFeedRefused) return [error.getStatus(), error.code];
    throw error;
  }
  return undefined;
};

describe('LiveFeedCaps', () => {
  it('refuses past each cap with its status and code, and counts back down on release', () => {
    const caps = new LiveFeedCaps({ global: 5, perTenant: 3, perSession: 2 });
    const a1 = caps.admit('a', 's1');
    caps.admit('a', 's1');
    expect(refusal(() => caps.admit('a', 's1'))).toEqual([429, 'live_feeds_session_limit']);
    // The same session id in another tenant is another session.
    const b1 = caps.admit('b', 's1');
    caps.admit('a', 's2');
    expect(refusal(() => caps.admit('a', 's3'))).toEqual([429, 'live_feeds_tenant_limit']);
    caps.admit('c', 's9');
    expect(refusal(() => caps.admit('c', 's10'))).toEqual([503, 'live_feeds_router_full']);
    a1.release();
    a1.release(); // idempotent
    expect(caps.open).toBe(4);
    caps.admit('c', 's10');
    b1.release();
    expect(caps.open).toBe(4);
  });

  it('keeps no entry for tenants and sessions without open feeds', () => {
    const caps = new LiveFeedCaps({ global: 10_000, perTenant: 10_000, perSession: 10_000 });
    const leases = Array.from({ length: 2000 }, (_, i) => caps.admit(`t${i % 7}`, `s${i}`));
    for (const lease of leases) lease.release();
    expect(caps.open).toBe(0);
    const internals = caps as unknown as { perTenant: Map<string, number>; perSession: Map<string, number> };
    expect(internals.perTenant.size + internals.perSession.size).toBe(0);
  });
});
