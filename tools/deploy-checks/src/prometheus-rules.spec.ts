import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMETHEUS_DIR, composeConfigWithRulesIn, prometheusRuleAsRulesFile, promtool } from './promtool';

// promtool is a real binary (Debian `prometheus`); each call takes well under a second.
jest.setTimeout(30_000);

/**
 * The alerting rules as Prometheus itself reads them, checked by Prometheus's own tool: the
 * compose file's alerts.yml, the PrometheusRule that prometheus-operator turns into the same
 * rules file, and the compose Prometheus configuration. The unit tests in alerts.test.yml say
 * when each alert fires; they run against both copies of the rules.
 */
describe('Prometheus rules and configuration, checked by promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'streamscribe-promtool-'));
    writeFileSync(join(dir, 'prometheusrule-groups.yml'), prometheusRuleAsRulesFile());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`promtool check rules` accepts docker/prometheus/alerts.yml and the PrometheusRule groups', () => {
    for (const file of [join(PROMETHEUS_DIR, 'alerts.yml'), join(dir, 'prometheusrule-groups.yml')]) {
      const run = promtool(['check', 'rules', file]);
      expect({ file, status: run.status, output: run.output }).toEqual({
        file,
        status: 0,
        output: expect.stringMatching(/SUCCESS: 8 rules found/),
      });
    }
  });

  it('`promtool check config` accepts docker/prometheus/prometheus.yml with its rule files', () => {
    copyFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), join(dir, 'alerts.yml'));
    writeFileSync(join(dir, 'prometheus.yml'), composeConfigWithRulesIn(dir));
    const run = promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringMatching(/SUCCESS: 1 rule files found[\s\S]*SUCCESS: 8 rules found/),
    });
  });

  it('`promtool test rules`: each alert fires when its condition has lasted, not before', () => {
    const run = promtool(['test', 'rules', 'alerts.test.yml'], PROMETHEUS_DIR);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringMatching(/SUCCESS/),
    });
  });

  it('the same unit tests pass on the PrometheusRule groups (what prometheus-operator loads)', () => {
    const operatorDir = mkdtempSync(join(dir, 'operator-'));
    writeFileSync(join(operatorDir, 'alerts.yml'), prometheusRuleAsRulesFile());
    copyFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml'), join(operatorDir, 'alerts.test.yml'));
    const run = promtool(['test', 'rules', 'alerts.test.yml'], operatorDir);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringMatching(/SUCCESS/),
    });
  });

  it('`promtool test rules` fails a test whose alert does not fire as written (the check can fail)', () => {
    const brokenDir = mkdtempSync(join(dir, 'broken-'));
    copyFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), join(brokenDir, 'alerts.yml'));
    // The lag test's series kept below the 500 threshold: the expected alert never fires.
    const tests = readFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8')
      .replace("values: '600x15'", "values: '400x15'")
      .replace("values: '550x15'", "values: '450x15'");
    writeFileSync(join(brokenDir, 'alerts.test.yml'), tests);
    const run = promtool(['test', 'rules', 'alerts.test.yml'], brokenDir);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/StreamscribeLagHigh/);
  });
});
