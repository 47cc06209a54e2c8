import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  anchorsOf,
  documentedVariables,
  headingAnchor,
  markdownFiles,
  relativeLinks,
  variablesReadByCode,
} from './documented-settings';
import { WORKSPACE_ROOT } from './grafana-dashboards';

describe('the documentation keeps up with the code', () => {
  const read = variablesReadByCode();
  const documented = documentedVariables();

  it('finds the settings the apps read (the scan itself works)', () => {
    // One from each kind of source: a settings class, a settings mixin, a raw process.env read,
    // a helper, an option table, a computed name.
    expect(read.get('SESSION_TTL_SECONDS')).toBe('libs/config/src/lib/common-environment.ts');
    expect(read.get('INFERENCE_BATCH_WAIT_MS')).toBe(
      'libs/inference/src/lib/settings/with-inference-settings.ts',
    );
    expect(read.get('FFMPEG_PATH')).toBeDefined();
    expect(read.get('FUZZ_SEED')).toMatch(/^libs\/fuzzing\/src\/lib\/fuzz-parameters/);
    expect(read.get('BENCH_N_64K')).toBe('bench/transport/bench-options.ts');
    expect(read.get('BENCH_BATCH_SIZES')).toBe('bench/inference.bench.ts');
    expect(documented.get('REDIS_URL')).toBe('docs/configuration.md');
  });

  it('documents every environment variable the code reads, in a settings table of README.md or docs/', () => {
    const undocumented = [...read]
      .filter(([name]) => !documented.has(name))
      .map(([name, file]) => `${name} (read in ${file})`);
    expect(undocumented).toEqual([]);
  });

  it('documents no variable the code does not read', () => {
    const unknown = [...documented]
      .filter(([name]) => !read.has(name))
      .map(([name, file]) => `${name} (documented in ${file})`);
    expect(unknown).toEqual([]);
  });
});

describe('links between the documentation pages', () => {
  it('anchors headings as GitHub does', () => {
    expect(headingAnchor('`GET /metrics`, `GET /health/live` (management port)')).toBe(
      'get-metrics-get-healthlive-management-port',
    );
    expect(headingAnchor("Times on the session's clock")).toBe('times-on-the-sessions-clock');
  });

  /** The policy and the deployment notes link into docs/ too. */
  const LINKING_PAGES = ['SECURITY.md', 'k8s/README.md', 'docker/grafana/dashboards/README.md'].map((page) =>
    join(WORKSPACE_ROOT, page),
  );

  it('every relative link in README.md, docs/, BENCHMARKS.md and SECURITY.md reaches a file, and its #anchor a heading there', () => {
    const broken: string[] = [];
    for (const file of [...markdownFiles(), ...LINKING_PAGES]) {
      const text = readFileSync(file, 'utf8');
      for (const link of relativeLinks(text)) {
        const [path, anchor] = link.split('#', 2);
        const target = path ? join(dirname(file), decodeURIComponent(path)) : file;
        const where = `${relative(WORKSPACE_ROOT, file)} → ${link}`;
        if (!existsSync(target)) {
          broken.push(`${where} (no such file)`);
        } else if (anchor && target.endsWith('.md') && !statSync(target).isDirectory()) {
          if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
