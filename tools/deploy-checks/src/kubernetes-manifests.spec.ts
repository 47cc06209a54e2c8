import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KeyScheme, PROVIDERS, ProviderName, keySchemeFrom, providerGroup } from '@streamscribe/contracts';

import { STREAM_METRICS } from '@streamscribe/observability';
import { RedisHarness } from '@streamscribe/testing';
import { WorkerEnvironment } from '@streamscribe/worker-runtime';
import { WORKSPACE_ROOT, loadAlertGroups } from './grafana-dashboards';
import { partitionsComponent, partitionsComponentDir, triggerName } from './k8s-partitions';
import {
  K8sObject,
  kustomize,
  kustomizeWithComponents,
  parseYamlDocuments,
  validateWithModels,
} from './kustomize';

const providerStream = (provider: ProviderName) => new KeyScheme().providerStream(provider);

jest.setTimeout(60_000);

const K8S = join(WORKSPACE_ROOT, 'k8s');
const HPA_COMPONENT = join(K8S, 'optional/hpa-prometheus-adapter');
const PARTITIONS_COMPONENT = partitionsComponentDir(4);
const OVERLAYS = readdirSync(join(K8S, 'overlays'));

/** Every overlay as is, with the HPA component instead of KEDA, and with 4 partitions. */
const RENDERINGS: { name: string; objects: K8sObject[]; autoscaler: 'keda' | 'hpa' }[] = OVERLAYS.flatMap(
  (overlay) => [
    { name: overlay, objects: kustomize(join(K8S, 'overlays', overlay)), autoscaler: 'keda' as const },
    {
      name: `${overlay} + hpa-prometheus-adapter`,
      objects: kustomizeWithComponents(join(K8S, 'overlays', overlay), [HPA_COMPONENT]),
      autoscaler: 'hpa' as const,
    },
    {
      name: `${overlay} + partitions-4`,
      objects: kustomizeWithComponents(join(K8S, 'overlays', overlay), [PARTITIONS_COMPONENT]),
      autoscaler: 'keda' as const,
    },
  ],
);

const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const workerName = (provider: ProviderName) => `worker-${provider}`;
const containersOf = (deployment: K8sObject): K8sObject[] => deployment['spec'].template.spec.containers;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** A container's setting as the pod sees it: its own env, then its ConfigMaps (later wins), else undefined. */
function settingOf(container: K8sObject, objects: K8sObject[], name: string): string | undefined {
  const direct = (container['env'] ?? []).find((e: { name: string; value?: string }) => e.name === name);
  if (direct) return direct.value;
  let value: string | undefined;
  for (const source of container['envFrom'] ?? []) {
    const configMap =
      source.configMapRef &&
      ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === source.configMapRef.name);
    if (configMap?.['data']?.[name] !== undefined) value = configMap['data'][name];
  }
  return value;
}

/** Seconds a preStop `sleep N` waits, 0 without one. */
function preStopSeconds(container: K8sObject): number {
  const command: string[] = container['lifecycle']?.preStop?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) : 0;
}

describe.each(RENDERINGS)('k8s $name', ({ objects, autoscaler }) => {
  const deployments = ofKind(objects, 'Deployment');
  const workers = deployments.filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'worker');

  it('renders the apps: router and one worker per provider of the contract', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      ['router', ...PROVIDERS.map(workerName)].sort(),
    );
    for (const provider of PROVIDERS) {
      expect(
        workers.find((w) => w.metadata.name === workerName(provider))?.metadata.labels?.[
          'streamscribe.io/provider'
        ],
      ).toBe(provider);
    }
  });

  it('has only objects that validate against their schema (kubernetes-models, @kubernetes-models/keda)', () => {
    const results = validateWithModels(objects);
    expect(results.filter((r) => r.error)).toEqual([]);
    // Only prometheus-operator's kinds have no model package; the next tests check them by hand.
    expect(
      results
        .filter((r) => !r.schema)
        .map((r) => r.kind)
        .sort(),
    ).toEqual(['PrometheusRule', 'ServiceMonitor']);
    expect(results.filter((r) => r.schema).length).toBeGreaterThan(20);
  });

  it('has a ServiceMonitor (checked by hand: no model package) that scrapes every app Service on a port it has', () => {
    const [monitor] = ofKind(objects, 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    const { selector, endpoints } = monitor['spec'];
    expect(Object.keys(monitor['spec']).sort()).toEqual(['endpoints', 'selector']);
    expect(Object.keys(selector)).toEqual(['matchLabels']);
    for (const endpoint of endpoints) {
      expect(endpoint).toMatchObject({
        port: expect.any(String),
        path: '/metrics',
        interval: expect.stringMatching(/^\d+s$/),
      });
      expect(endpoint.relabelings).toEqual([
        { sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_name'], targetLabel: 'app' },
      ]);
    }
    const portNames = endpoints.map((e: { port: string }) => e.port);
    for (const deployment of deployments) {
      const service = ofKind(objects, 'Service').find((s) =>
        matches(s['spec'].selector, deployment['spec'].template.metadata.labels),
      );
      expect({
        app: deployment.metadata.name,
        selected: matches(selector.matchLabels, service?.metadata.labels),
      }).toEqual({ app: deployment.metadata.name, selected: true });
      expect(service?.['spec'].ports.some((p: { name: string }) => portNames.includes(p.name))).toBe(true);
    }
  });

  it('has a PrometheusRule (checked by hand) with the same alerting rules as docker/prometheus/alerts.yml', () => {
    const [rule] = ofKind(objects, 'PrometheusRule');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(Object.keys(rule['spec'])).toEqual(['groups']);
    const groups = loadAlertGroups();
    expect(rule['spec'].groups).toEqual(groups);
    for (const alert of groups.flatMap((g) => g.rules)) {
      expect(alert).toMatchObject({
        alert: expect.stringMatching(/^Streamscribe[A-Za-z]+$/),
        expr: expect.any(String),
        labels: { severity: expect.stringMatching(/^(critical|warning)$/) },
      });
      expect(alert.annotations['summary']).toBeTruthy();
      expect(alert.for ?? '1m').toMatch(/^\d+[smh]$/);
    }
  });

  it('gives every Deployment probes, requests and limits, and a non-root, read-only security context', () => {
    for (const deployment of deployments) {
      const pod = deployment['spec'].template.spec;
      expect({
        app: deployment.metadata.name,
        runAsNonRoot: pod.securityContext?.runAsNonRoot,
        uid: pod.securityContext?.runAsUser > 0,
      }).toEqual({
        app: deployment.metadata.name,
        runAsNonRoot: true,
        uid: true,
      });
      for (const container of containersOf(deployment)) {
        const portNames = (container['ports'] ?? []).map((p: { name: string }) => p.name);
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
          expect({
            app: deployment.metadata.name,
            probe,
            port: portNames.includes(container[probe]?.httpGet?.port),
          }).toEqual({ app: deployment.metadata.name, probe, port: true });
        }
        expect(container['livenessProbe'].httpGet.path).toBe('/health/live');
        expect(container['readinessProbe'].httpGet.path).toBe('/health/ready');
        expect(container['resources']).toMatchObject({
          requests: { cpu: expect.anything(), memory: expect.anything() },
          limits: { memory: expect.anything() },
        });
        expect(container['securityContext']).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container['securityContext'].runAsUser ?? pod.securityContext.runAsUser).toBeGreaterThan(0);
      }
    }
  });

  it('gives every worker a drain that covers one provider call, and a grace period longer than preStop plus drain', () => {
    const defaultDrainMs = new WorkerEnvironment().DRAIN_TIMEOUT_MS;
    for (const worker of workers) {
      const [container] = containersOf(worker);
      const drainMs = Number(settingOf(container, objects, 'DRAIN_TIMEOUT_MS') ?? defaultDrainMs);
      // The longest chunk a drain must let finish: one whole call to the provider.
      const provider = worker.metadata.labels?.['streamscribe.io/provider'] ?? '';
      const providerTimeoutMs = Number(
        settingOf(container, objects, `${provider.toUpperCase()}_TIMEOUT_MS`) ?? 0,
      );
      expect({ worker: worker.metadata.name, drainCoversProviderCall: drainMs >= providerTimeoutMs }).toEqual(
        { worker: worker.metadata.name, drainCoversProviderCall: true },
      );
      const graceMs = worker['spec'].template.spec.terminationGracePeriodSeconds * 1000;
      expect(preStopSeconds(container)).toBeGreaterThan(0);
      expect({
        worker: worker.metadata.name,
        drainMs,
        graceExceedsDrain: graceMs > preStopSeconds(container) * 1000 + drainMs,
      }).toEqual({
        worker: worker.metadata.name,
        drainMs,
        graceExceedsDrain: true,
      });
    }
  });

  it('covers every Deployment with a PodDisruptionBudget and a Service', () => {
    for (const deployment of deployments) {
      const labels = deployment['spec'].template.metadata.labels;
      expect(
        ofKind(objects, 'PodDisruptionBudget').filter((p) => matches(p['spec'].selector.matchLabels, labels)),
      ).toHaveLength(1);
      expect(ofKind(objects, 'Service').filter((s) => matches(s['spec'].selector, labels))).toHaveLength(1);
    }
  });

  it('denies traffic by default, lets only the router take ingress from anywhere, and limits Redis to the namespace', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny')?.['spec']).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const openIngress = policies.filter((p) =>
      (p['spec'].ingress ?? []).some((rule: { from?: unknown[] }) => !rule.from),
    );
    expect(openIngress.map((p) => p['spec'].podSelector)).toEqual([
      { matchLabels: { 'app.kubernetes.io/name': 'router' } },
    ]);
    for (const policy of policies.filter(
      (p) => p['spec'].podSelector.matchLabels?.['app.kubernetes.io/name'] === 'redis',
    )) {
      const sources = policy['spec'].ingress.flatMap((rule: { from: unknown[] }) => rule.from);
      // Pods of this namespace, plus KEDA's scaler and the monitoring namespace's redis_exporter.
      expect(sources).toContainEqual({ podSelector: {} });
      expect(
        sources.every((s: Record<string, unknown>) => 'podSelector' in s || 'namespaceSelector' in s),
      ).toBe(true);
    }
  });

  it('creates every provider group in a Job, with the contract names, before anything reads them', () => {
    const [job] = ofKind(objects, 'Job');
    const [container] = containersOf(job);
    const providers = (settingOf(container, objects, 'PROVIDERS') ?? '').split(/\s+/).sort();
    expect(providers).toEqual([...PROVIDERS].sort());
    const script = ofKind(objects, 'ConfigMap').find(
      (c) => c.metadata.name === job['spec'].template.spec.volumes[0].configMap.name,
    );
    expect(script?.['data']['create-consumer-groups.sh']).toBe(
      readFileSync(join(K8S, 'base/consumer-groups/create-consumer-groups.sh'), 'utf8'),
    );
    // The Job creates the groups on the partitions the workers read.
    for (const worker of workers)
      expect(settingOf(container, objects, 'REDIS_PARTITIONS')).toBe(
        settingOf(containersOf(worker)[0], objects, 'REDIS_PARTITIONS'),
      );
  });

  if (autoscaler === 'keda') {
    it("scales each worker with one KEDA redis-streams trigger per partition of the contract's stream, summed", () => {
      const scaledObjects = ofKind(objects, 'ScaledObject');
      expect(scaledObjects).toHaveLength(PROVIDERS.length);
      for (const provider of PROVIDERS) {
        const scaled = scaledObjects.filter((s) => s['spec'].scaleTargetRef.name === workerName(provider));
        expect(scaled).toHaveLength(1);
        const [container] = containersOf(
          deployments.find((d) => d.metadata.name === workerName(provider)) as K8sObject,
        );
        // The partitions the worker runs with (settings.env, or a partitions component).
        const keys = keySchemeFrom({ REDIS_PARTITIONS: settingOf(container, objects, 'REDIS_PARTITIONS') });
        const triggers: K8sObject['spec'][] = scaled[0]['spec'].triggers;
        expect(triggers.map((t) => t.metadata.stream)).toEqual(
          keys.allPartitions().map((k) => keys.providerStream(provider, k)),
        );
        for (const trigger of triggers) {
          expect(trigger).toMatchObject({
            type: 'redis-streams',
            metadata: {
              consumerGroup: providerGroup(provider),
              lagCount: expect.stringMatching(/^[1-9]\d*$/),
              activationLagCount: expect.stringMatching(/^\d+$/),
            },
          });
          // Every partition's trigger reads Redis as the first does (address, TLS, credentials).
          expect({
            ...trigger,
            name: undefined,
            metadata: { ...trigger.metadata, stream: undefined },
          }).toEqual({
            ...triggers[0],
            name: undefined,
            metadata: { ...triggers[0].metadata, stream: undefined },
          });
          // addressFromEnv is resolved from the scale target's container environment.
          expect(settingOf(container, objects, trigger.metadata.addressFromEnv)).toMatch(/^[\w.-]+:\d+$/);
        }
        // The HPA takes the max of its metrics: with partitions, the lag is their sum instead.
        if (keys.partitions > 1)
          expect(scaled[0]['spec'].advanced.scalingModifiers).toEqual({
            formula: keys.allPartitions().map(triggerName).join(' + '),
            metricType: 'AverageValue',
            target: triggers[0].metadata.lagCount,
            activationTarget: triggers[0].metadata.activationLagCount,
          });
        else expect(scaled[0]['spec'].advanced?.scalingModifiers).toBeUndefined();
        expect(triggers.map((t) => t.name)).toEqual(
          keys.partitions > 1 ? keys.allPartitions().map(triggerName) : [undefined],
        );
        expect(scaled[0]['spec'].minReplicaCount).toBeGreaterThanOrEqual(1);
      }
    });
  } else {
    it("scales each worker with an HPA on the collector's lag metric through prometheus-adapter, and no KEDA object", () => {
      expect(objects.filter((o) => o.apiVersion.startsWith('keda.sh/'))).toEqual([]);
      for (const provider of PROVIDERS) {
        const hpas = ofKind(objects, 'HorizontalPodAutoscaler').filter(
          (h) => h['spec'].scaleTargetRef.name === workerName(provider),
        );
        expect(hpas).toHaveLength(1);
        expect(hpas[0]['spec'].metrics).toEqual([
          expect.objectContaining({
            type: 'External',
            external: expect.objectContaining({
              metric: { name: STREAM_METRICS.lag, selector: { matchLabels: { provider } } },
            }),
          }),
        ]);
      }
    });
  }
});

describe('k8s GPU scheduling', () => {
  const byName = (rendering: string, name: string) =>
    ofKind(RENDERINGS.find((r) => r.name === rendering)?.objects ?? [], 'Deployment').find(
      (d) => d.metadata.name === name,
    ) as K8sObject;
  const gpus = (deployment: K8sObject) => containersOf(deployment)[0]['resources'].limits?.['nvidia.com/gpu'];

  it('puts the local-model workers on GPU nodes in prod-gpu, from the CUDA image, and nothing else', () => {
    for (const name of ['worker-whisper', 'worker-parakeet']) {
      const deployment = byName('prod-gpu', name);
      expect(gpus(deployment)).toBe(1);
      expect(deployment['spec'].template.spec.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
      expect(deployment['spec'].template.spec.tolerations).toContainEqual({
        key: 'nvidia.com/gpu',
        operator: 'Exists',
        effect: 'NoSchedule',
      });
      expect(containersOf(deployment)[0]['image']).toMatch(/-gpu$/);
    }
    for (const name of ['router', 'worker-deepgram', 'worker-assemblyai'])
      expect(gpus(byName('prod-gpu', name))).toBeUndefined();
    for (const name of ['worker-whisper', 'worker-parakeet'])
      expect(gpus(byName('dev-cpu', name))).toBeUndefined();
  });
});

describe('the consumer-group script the Job and compose run', () => {
  let harness: RedisHarness;
  beforeAll(async () => {
    harness = await RedisHarness.start();
  });
  afterAll(async () => {
    await harness.close();
  });

  const script = join(K8S, 'base/consumer-groups/create-consumer-groups.sh');
  const runScript = (env: Record<string, string>) =>
    spawnSync('sh', [script], {
      env: { ...process.env, REDIS_URL: harness.url, PROVIDERS: PROVIDERS.join(' '), ...env },
      encoding: 'utf8',
    });

  it('creates the group on every partition of every provider stream with REDIS_PARTITIONS=4', async () => {
    const keys = keySchemeFrom({ REDIS_PARTITIONS: 4 });
    const redis = harness.client();
    try {
      await redis.flushdb();
      const run = runScript({ REDIS_PARTITIONS: '4' });
      expect(run.status).toBe(0);
      for (const provider of PROVIDERS)
        for (const k of keys.allPartitions()) {
          const groups = (await redis.xinfo('GROUPS', keys.providerStream(provider, k))) as unknown[][];
          expect(groups.map((g) => g[1])).toEqual([providerGroup(provider)]);
        }
      // Nothing else: no classic stream, no partition past the last.
      expect((await redis.keys('audio:stream:*')).length).toBe(PROVIDERS.length * 4);
      expect(runScript({ REDIS_PARTITIONS: 'four' }).status).not.toBe(0);
    } finally {
      await redis.flushdb();
      redis.disconnect();
    }
  });

  it('creates the stream and group of every provider, as the code names them, and is idempotent', async () => {
    const run = () => runScript({ REDIS_PARTITIONS: '1' });
    const first = run();
    expect(first.status).toBe(0);
    expect(run().stdout).toMatch(/already exists/);
    const redis = harness.client();
    try {
      for (const provider of PROVIDERS) {
        const groups = (await redis.xinfo('GROUPS', providerStream(provider))) as unknown[][];
        expect(groups.map((g) => g[1])).toEqual([providerGroup(provider)]);
      }
    } finally {
      redis.disconnect();
    }
  });
});

describe('the partitions components', () => {
  it('are what `npm run k8s:partitions -- N` writes, for every committed N', () => {
    const committed = readdirSync(join(K8S, 'optional')).filter((name) => /^partitions-\d+$/.test(name));
    expect(committed).toContain('partitions-4');
    for (const name of committed) {
      const partitions = Number(name.split('-')[1]);
      expect(readFileSync(join(partitionsComponentDir(partitions), 'kustomization.yaml'), 'utf8')).toBe(
        partitionsComponent(partitions),
      );
    }
  });
});

describe('prometheus-adapter values', () => {
  it("serve the collector's lag metric as the external metric the HPAs ask for", () => {
    const [values] = parseYamlDocuments(
      readFileSync(join(HPA_COMPONENT, 'prometheus-adapter-values.yaml'), 'utf8'),
      'prometheus-adapter-values.yaml',
    );
    const [rule] = values['rules'].external;
    expect(rule.seriesQuery).toContain(`${STREAM_METRICS.lag}{`);
    expect(rule.name).toEqual({ matches: `^${STREAM_METRICS.lag}$`, as: STREAM_METRICS.lag });
    // De-duplicated per partition (max over the apps reporting it), then summed over partitions.
    expect(rule.metricsQuery).toMatch(/^sum by \(<<\.GroupBy>>\) \(max by \([^)]*\bpartition\b[^)]*\) \(/);
  });
});
