import { familyExporting, metricNamesIn } from './promql-metric-names';

describe('metricNamesIn', () => {
  it.each([
    ['max by (provider) (streamscribe_stream_lag)', ['streamscribe_stream_lag']],
    [
      'histogram_quantile(0.95, sum by (le, provider) (rate(streamscribe_provider_request_seconds_bucket{provider="$provider"}[$__rate_interval])))',
      ['streamscribe_provider_request_seconds_bucket'],
    ],
    [
      'sum by (provider) (rate(a_total[5m])) / sum by (provider) (rate(b_seconds_total[5m])) * 3600',
      ['a_total', 'b_seconds_total'],
    ],
    ['sum(increase(cost_total[$__range])) + 1e3 > bool 0', ['cost_total']],
    ['x{stream="audio:stream:deepgram", group=~"a|b"} offset 5m', ['x']],
    ['rate(x[1m]) and on (instance) group_left (app) y', ['x', 'y']],
    ['label_values(streamscribe_stream_lag, provider)', ['streamscribe_stream_lag']],
    ['sum without (pod) (${metric_var}) or vector(0)', []],
  ])('%s', (expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });
});

describe('familyExporting', () => {
  const families = new Map([
    ['lat_seconds', 'histogram'],
    ['req_total', 'counter'],
    ['sum_me', 'summary'],
  ]);

  it('maps histogram and summary series to their family, and nothing else', () => {
    expect(familyExporting('lat_seconds_bucket', families)).toBe('lat_seconds');
    expect(familyExporting('lat_seconds_count', families)).toBe('lat_seconds');
    expect(familyExporting('sum_me_sum', families)).toBe('sum_me');
    expect(familyExporting('sum_me_bucket', families)).toBeUndefined();
    expect(familyExporting('req_total', families)).toBe('req_total');
    expect(familyExporting('req_total_count', families)).toBeUndefined();
    expect(familyExporting('missing', families)).toBeUndefined();
  });
});
