import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROVIDERS } from '@streamscribe/contracts';
import { WORKSPACE_ROOT } from './grafana-dashboards';
import { K8sObject, kustomize, parseYamlDocuments } from './kustomize';
import { contextSources, dockerIgnoreMatcher, parseDockerfile } from './dockerfile';

const DOCKER = join(WORKSPACE_ROOT, 'docker');
const DOCKERFILES = ['Dockerfile', 'Dockerfile.gpu'];
const COMPOSE_FILES = ['compose.yaml', 'compose.gpu.yaml'];
const ignored = dockerIgnoreMatcher(readFileSync(join(WORKSPACE_ROOT, '.dockerignore'), 'utf8'));
const read = (file: string) => readFileSync(join(DOCKER, file), 'utf8');
const compose = (file: string) => parseYamlDocuments(read(file), file)[0] as K8sObject;

describe.each(DOCKERFILES)('docker/%s', (file) => {
  const instructions = parseDockerfile(read(file));

  it('copies only paths that exist in the build context and that .dockerignore lets through', () => {
    const sources = contextSources(instructions);
    expect(sources.length).toBeGreaterThan(3);
    for (const { path, line } of sources) {
      expect({
        line,
        path,
        exists: existsSync(join(WORKSPACE_ROOT, path)),
        ignored: path !== '.' && ignored(path),
      }).toEqual({ line, path, exists: true, ignored: false });
    }
  });

  it('copies --from stages that the file defines', () => {
    const stages = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args[2]);
    for (const copy of instructions.filter((i) => i.keyword === 'COPY' && i.flags['from']))
      expect(stages).toContain(copy.flags['from']);
  });

  it('runs as a numeric non-root user and starts through the entrypoint', () => {
    const user = instructions.filter((i) => i.keyword === 'USER').pop();
    expect(user?.args[0]).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(
      instructions
        .filter((i) => i.keyword === 'ENTRYPOINT')
        .pop()
        ?.args.join(' '),
    ).toBe('["/usr/local/bin/streamscribe"]');
  });
});

describe('docker/Dockerfile.gpu', () => {
  const instructions = parseDockerfile(read('Dockerfile.gpu'));
  const arg = (name: string) =>
    instructions.find((i) => i.keyword === 'ARG' && i.args[0].startsWith(`${name}=`))?.args[0].split('=')[1];

  it("runs on a CUDA 12 + cuDNN base and opts in to onnxruntime-node's CUDA 12 provider", () => {
    expect(arg('CUDA_IMAGE')).toMatch(/^nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/);
    expect(arg('ONNXRUNTIME_NODE_INSTALL')).toBe('cuda12');
    expect(
      instructions.some((i) => i.keyword === 'RUN' && i.args.join(' ').includes('node script/install.js')),
    ).toBe(true);
  });
});

describe('.dockerignore', () => {
  it('keeps host builds, dependencies, secrets and deployment files out of the context', () => {
    for (const path of [
      'node_modules/x',
      'libs/a/node_modules/b',
      'dist/apps',
      '.env',
      '.env.local',
      '.git/HEAD',
      'k8s/base',
      'docker/compose.yaml',
    ])
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
    for (const path of [
      'docker/entrypoint.sh',
      'docker/healthcheck.js',
      'libs/streams/src/index.ts',
      'package-lock.json',
    ])
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: false });
  });
});

describe.each(COMPOSE_FILES)('docker/%s', (file) => {
  const services = compose(file)['services'] as Record<string, K8sObject>;
  const anchors = compose(file) as Record<string, K8sObject>;

  it('builds from contexts and Dockerfiles that exist', () => {
    const builds = [...Object.values(services), ...Object.values(anchors)]
      .map((s) => s?.['build'])
      .filter(Boolean);
    expect(builds.length).toBeGreaterThan(0);
    for (const build of builds) {
      const context = resolve(DOCKER, build.context);
      expect(existsSync(join(context, build.dockerfile))).toBe(true);
    }
  });

  it('mounts host files and folders that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of (service['volumes'] ?? []) as string[]) {
        const [source] = volume.split(':');
        if (!source.startsWith('.')) continue; // a named volume
        expect({ volume, exists: existsSync(resolve(dirname(join(DOCKER, file)), source)) }).toEqual({
          volume,
          exists: true,
        });
      }
    }
  });
});

describe('docker/compose.yaml, Prometheus and Kubernetes agree on the apps', () => {
  const services = compose('compose.yaml')['services'] as Record<string, K8sObject>;
  const prometheus = parseYamlDocuments(read('prometheus/prometheus.yml'), 'prometheus.yml')[0] as K8sObject;
  const job = prometheus['scrape_configs'].find((c: { job_name: string }) => c.job_name === 'streamscribe');
  const targets: string[] = job.dns_sd_configs.flatMap((c: { names: string[]; port: number }) =>
    c.names.map((name) => `${name}:${c.port}`),
  );
  const deployments = kustomize(join(WORKSPACE_ROOT, 'k8s/overlays/dev-cpu')).filter(
    (o) => o.kind === 'Deployment',
  );
  const apps = ['router', ...PROVIDERS.map((p) => `worker-${p}`)];

  it.each(apps)('%s: one service, scraped by Prometheus on the port it serves, as in Kubernetes', (app) => {
    const service = services[app];
    expect(service?.['environment'].APP).toBe(app);
    // The management port: the router's MANAGEMENT_PORT, a worker's PORT (its only server).
    const variable = app === 'router' ? 'MANAGEMENT_PORT' : 'PORT';
    const port = service['environment'][variable];
    expect(targets).toContain(`${app}:${port}`);
    const container = deployments.find((d) => d.metadata.name === app)?.['spec'].template.spec.containers[0];
    expect(container.env.find((e: { name: string }) => e.name === variable)?.value).toBe(port);
    const metrics = container.ports.find((p: { name: string }) => p.name === 'metrics');
    expect(metrics?.containerPort).toBe(Number(port));
  });

  it.each(apps.filter((app) => app.startsWith('worker-')))(
    '%s: Docker waits longer than the drain before killing it',
    (app) => {
      const drainMs = Number(services[app]['environment'].DRAIN_TIMEOUT_MS);
      const graceSeconds = Number(/^(\d+)s$/.exec(services[app]['stop_grace_period'])?.[1]);
      expect(drainMs).toBeGreaterThan(0);
      expect(graceSeconds * 1000).toBeGreaterThan(drainMs);
    },
  );

  it('runs Redis with AOF, redis_exporter with stream checks, and Grafana with the dashboards and datasource', () => {
    expect(services['redis']['command']).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(services['redis-exporter']['environment'].REDIS_EXPORTER_CHECK_STREAMS).toBe('audio:stream:*');
    expect(services['grafana']['volumes']).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/etc/grafana/dashboards:ro',
      ]),
    );
    expect(targets).toEqual(
      expect.arrayContaining(apps.map((app) => expect.stringMatching(new RegExp(`^${app}:`)))),
    );
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_dns_name'], target_label: 'app' });
  });
});
