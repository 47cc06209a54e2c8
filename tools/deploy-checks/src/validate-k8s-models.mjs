// Validates Kubernetes objects against the JSON schemas of `kubernetes-models` (core and
// built-in API groups) and `@kubernetes-models/keda` (keda.sh). Both packages are ESM-only, and
// Jest runs this workspace as CommonJS, so the specs run this script in plain Node instead.
// stdin: a JSON array of objects. stdout: a JSON array, per object, of
//   { kind, name, schema: 'kubernetes-models' | '@kubernetes-models/keda' | null, error: string | null }
// (schema null: no model package knows the kind, e.g. monitoring.coreos.com's ServiceMonitor).
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));

/** The package subpath exporting the models of an apiVersion, or undefined. */
function modelModule(apiVersion) {
  if (apiVersion.startsWith('keda.sh/'))
    return ['@kubernetes-models/keda', `@kubernetes-models/keda/${apiVersion}`];
  if (apiVersion.includes('.') && !apiVersion.includes('.k8s.io/')) return undefined;
  return ['kubernetes-models', `kubernetes-models/${apiVersion}`];
}

const results = [];
for (const object of objects) {
  const name = object.metadata?.name;
  const module = modelModule(object.apiVersion);
  let model;
  if (module) {
    try {
      model = (await import(module[1]))[object.kind];
    } catch {
      model = undefined;
    }
  }
  if (!model) {
    results.push({ kind: object.kind, name, schema: null, error: null });
    continue;
  }
  try {
    new model(object).validate();
    results.push({ kind: object.kind, name, schema: module[0], error: null });
  } catch (error) {
    results.push({ kind: object.kind, name, schema: module[0], error: String(error.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
