import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');
export const DASHBOARDS_DIR = join(WORKSPACE_ROOT, 'docker/grafana/dashboards');
export const ALERTS_FILE = join(WORKSPACE_ROOT, 'docker/prometheus/alerts.yml');

/** The parts of a Grafana dashboard JSON these checks read. */
export interface DashboardPanel {
  id?: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr?: string; datasource?: { uid?: string } }[];
  panels?: DashboardPanel[];
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: string | { query?: string } }[] };
}

/** One PromQL query of a dashboard and where it is, for error messages. */
export interface DashboardQuery {
  dashboard: string;
  where: string;
  expr: string;
}

export function loadDashboards(): Map<string, Dashboard> {
  const files = readdirSync(DASHBOARDS_DIR).filter((file) => file.endsWith('.json'));
  return new Map(
    files.map((file) => [file, JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard]),
  );
}

/** Panels at any depth (rows may nest their panels when collapsed). */
export function allPanels(dashboard: Dashboard): DashboardPanel[] {
  const flatten = (panels: DashboardPanel[]): DashboardPanel[] =>
    panels.flatMap((p) => [p, ...flatten(p.panels ?? [])]);
  return flatten(dashboard.panels);
}

/** Every panel query and every query variable of a dashboard. */
export function queriesOf(file: string, dashboard: Dashboard): DashboardQuery[] {
  const panelQueries = allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((t) => t.expr)
      .map((t) => ({ dashboard: file, where: `panel "${panel.title}" ${t.refId}`, expr: t.expr as string })),
  );
  const variableQueries = dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => ({
      dashboard: file,
      where: `variable $${v.name}`,
      expr: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
    }));
  return [...panelQueries, ...variableQueries];
}

/** A Prometheus alerting rule, as docker/prometheus/alerts.yml and the PrometheusRule hold them. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function loadAlertGroups(): { name: string; rules: AlertRule[] }[] {
  return (parse(readFileSync(ALERTS_FILE, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] })
    .groups;
}

/** Every alerting rule's expression, in the same shape as the dashboards' queries. */
export function alertQueries(): DashboardQuery[] {
  return loadAlertGroups().flatMap((group) =>
    group.rules.map((rule) => ({ dashboard: 'alerts.yml', where: `alert ${rule.alert}`, expr: rule.expr })),
  );
}
