import { substituteVariables } from './dashboard-variables';

describe('substituteVariables: Grafana variables in a panel query, as Grafana expands them', () => {
  const values = { provider: 'deepgram', __rate_interval: '1m' };

  it('replaces $name, ${name} and [[name]]', () => {
    expect(substituteVariables('rate(x{p="$provider"}[$__rate_interval])', values)).toBe(
      'rate(x{p="deepgram"}[1m])',
    );
    expect(substituteVariables('x{group="${provider}_workers"}', values)).toBe('x{group="deepgram_workers"}');
    expect(substituteVariables('x{p="[[provider]]"}', values)).toBe('x{p="deepgram"}');
  });

  it('reads $provider_workers as the variable provider_workers, which has no value: an error, not an empty panel', () => {
    expect(() => substituteVariables('x{group="$provider_workers"}', values)).toThrow(/\$provider_workers/);
  });

  it('leaves a query without variables as it is', () => {
    expect(substituteVariables('sum(up)', values)).toBe('sum(up)');
  });
});
