import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
// `yaml` (eemeli/yaml) is in node_modules through the Nx toolchain; see the README's limits.
import { parseAllDocuments } from 'yaml';
import { WORKSPACE_ROOT } from './grafana-dashboards';

/** A rendered Kubernetes object, loosely typed: the checks say what they expect of it. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
};

const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

export function parseYamlDocuments(text: string, source: string): K8sObject[] {
  // merge: compose files share settings through YAML merge keys (<<: *anchor).
  return parseAllDocuments(text, { merge: true }).flatMap((document) => {
    if (document.errors.length)
      throw new Error(`${source}: ${document.errors.map((e) => e.message).join('; ')}`);
    const value = document.toJSON() as K8sObject | null;
    return value ? [value] : [];
  });
}

/** `kubectl kustomize <dir>`, parsed; throws with kustomize's own message when it fails. */
export function kustomize(dir: string): K8sObject[] {
  const rendered = spawnSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (rendered.error)
    throw new Error(`cannot run ${KUBECTL} (set KUBECTL to its path): ${rendered.error.message}`);
  if (rendered.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${rendered.stderr}`);
  return parseYamlDocuments(rendered.stdout, dir);
}

/** Renders an overlay with extra components, as an operator would add them to its kustomization. */
export function kustomizeWithComponents(overlay: string, components: string[]): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'streamscribe-kustomize-'));
  try {
    // Kustomize takes no absolute roots: refer to the overlay and components relative to dir.
    const kustomization = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      `  - ${relative(dir, overlay)}`,
      'components:',
      ...components.map((component) => `  - ${relative(dir, component)}`),
    ];
    writeFileSync(join(dir, 'kustomization.yaml'), kustomization.join('\n') + '\n');
    return kustomize(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SchemaResult {
  kind: string;
  name: string;
  schema: string | null;
  error: string | null;
}

/** Validates objects with the kubernetes-models packages (ESM-only: run in plain Node). */
export function validateWithModels(objects: K8sObject[]): SchemaResult[] {
  const run = spawnSync(process.execPath, [join(__dirname, 'validate-k8s-models.mjs')], {
    cwd: WORKSPACE_ROOT,
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`validate-k8s-models.mjs failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as SchemaResult[];
}
