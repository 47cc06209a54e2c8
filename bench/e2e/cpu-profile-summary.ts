// Summarises a V8 .cpuprofile (what `node --cpu-prof` writes; `npm run bench:e2e -- --cpu-prof=DIR`
// profiles the router and the worker): the top frames by self time, by inclusive time, and self
// time per package. `node scripts/run-ts.js bench/e2e/cpu-profile-summary.ts <file.cpuprofile> [top]`.
import { readFileSync } from 'node:fs';
import { formatTable } from '../transport/summary';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a frame's code lives, short: a package name, a workspace path, or V8's own pseudo-frames. */
function origin(url: string): string {
  if (!url) return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node:internals';
  const workspace = url.match(/\/(libs|apps|bench)\/([^/]+)\//);
  return workspace ? `${workspace[1]}/${workspace[2]}` : url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*\/(node_modules|libs|apps|bench)\//, '$1/') : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

function summarise(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const idleUs = [...selfUs].reduce(
    (sum, [id, us]) => (byId.get(id)?.callFrame.functionName === '(idle)' ? sum + us : sum),
    0,
  );
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  // The profiler's own start (Profiler.start inside the preload's SIGUSR2 handler) is left out.
  const isProfilerStart = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (byId.get(at)?.callFrame.url.endsWith('cpu-profile.preload.js')) return true;
    return false;
  };
  let profilerUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id) as ProfileNode;
    if (node.callFrame.functionName === '(idle)') continue;
    if (isProfilerStart(id)) {
      profilerUs += us;
      continue;
    }
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + us);
    const pkg = origin(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    // Each function once per stack, so recursion does not count twice.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = frameName(byId.get(at) as ProfileNode);
      if (!seen.has(frame)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + us);
      seen.add(frame);
    }
  }
  const busyUs = totalUs - idleUs - profilerUs;
  const table = (title: string, values: Map<string, number>, skip: (name: string) => boolean) =>
    formatTable([
      [title, 'ms', '% of busy'],
      ...[...values]
        .filter(([name]) => !skip(name))
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, us]) => [name, (us / 1000).toFixed(0), ((100 * us) / busyUs).toFixed(1)]),
    ]);
  // Inclusive: the roots ("(root)", event-loop and microtask plumbing) hold everything; left out.
  const plumbing =
    /^\((root|program|garbage collector)\)|^processTicksAndRejections|^runMicrotasks|^listOnTimeout|^processTimers|^processImmediate/;
  return [
    `profiled ${(totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(1)} s (${((100 * busyUs) / totalUs).toFixed(0)}%)`,
    '',
    table('self time, by package', packages, () => false),
    '',
    table('self time, by frame', self, () => false),
    '',
    table('inclusive time, by frame', inclusive, (name) => plumbing.test(name)),
  ].join('\n');
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpu-profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(topArg ?? 15)));
