import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { WORKSPACE_ROOT } from './grafana-dashboards';
import { parseYamlDocuments } from './kustomize';

/** Debian's `promtool` (package prometheus); PROMTOOL points at another. */
export const PROMTOOL = process.env['PROMTOOL'] ?? 'promtool';

export const PROMETHEUS_DIR = join(WORKSPACE_ROOT, 'docker/prometheus');
export const PROMETHEUS_RULE_FILE = join(WORKSPACE_ROOT, 'k8s/base/prometheusrule.yaml');

export interface PromtoolRun {
  status: number | null;
  /** stdout and stderr together: promtool prints its verdicts on either. */
  output: string;
}

/** Runs `promtool <args>` in `cwd`; throws only when promtool cannot be started at all. */
export function promtool(args: string[], cwd = WORKSPACE_ROOT): PromtoolRun {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run ${PROMTOOL} (apt-get install prometheus): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * The rule groups of the PrometheusRule custom resource as a plain Prometheus rules file, the
 * shape prometheus-operator hands to Prometheus (spec.groups is that file's `groups`).
 */
export function prometheusRuleAsRulesFile(): string {
  const [rule] = parseYamlDocuments(readFileSync(PROMETHEUS_RULE_FILE, 'utf8'), PROMETHEUS_RULE_FILE);
  if (rule?.kind !== 'PrometheusRule') throw new Error(`${PROMETHEUS_RULE_FILE} holds no PrometheusRule`);
  return stringify({ groups: rule['spec'].groups });
}

/**
 * docker/prometheus/prometheus.yml with its rule_files pointing at `rulesDir` instead of the
 * container's /etc/prometheus, so promtool can follow them on this machine.
 */
export function composeConfigWithRulesIn(rulesDir: string): string {
  const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
    rule_files?: string[];
  };
  config.rule_files = (config.rule_files ?? []).map((file) =>
    join(rulesDir, file.split('/').pop() as string),
  );
  return stringify(config);
}
