import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from './cuda-libraries';

/** The provider libraries onnxruntime-node loads for `executionProviders: ['cuda']`. */
export const PROVIDER_FILES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
/** Also in the package; copied when staged, not needed for CUDA. */
const OPTIONAL_FILES = ['libonnxruntime_providers_tensorrt.so'];
const NUGET_FOLDER = 'runtimes/linux-x64/native';

export interface ProviderPackage {
  version: string;
  /** Where onnxruntime-node looks for the provider libraries (bin/napi-v6/linux/x64). */
  binDir: string;
  packageDir: string;
}

export function providerPackage(): ProviderPackage {
  const packageJson = require.resolve('onnxruntime-node/package.json');
  const packageDir = dirname(packageJson);
  return {
    version: (require(packageJson) as { version: string }).version,
    binDir: join(packageDir, 'bin', 'napi-v6', 'linux', 'x64'),
    packageDir,
  };
}

export function nugetPackageName(version: string): string {
  return `Microsoft.ML.OnnxRuntime.Gpu.Linux.${version}.nupkg`;
}

export function missingProviderFiles(binDir: string): string[] {
  return PROVIDER_FILES.filter((file) => !existsSync(join(binDir, file)));
}

export type InstallOutcome =
  | {
      installed: true;
      how:
        | 'already installed'
        | 'copied from the staged folder'
        | "downloaded by onnxruntime-node's install script";
    }
  | { installed: false; tried: string[] };

/**
 * The CUDA provider in place: already there; else from the staged folder (the .so files, or the
 * NuGet package they come in); else, when allowed, through onnxruntime-node's own install script
 * (which downloads that package from api.nuget.org).
 */
export function installCudaProvider(
  pkg: ProviderPackage,
  stagedDir: string,
  download: boolean,
  log: (line: string) => void,
): InstallOutcome {
  if (missingProviderFiles(pkg.binDir).length === 0) return { installed: true, how: 'already installed' };
  const tried: string[] = [];
  const staged = stagedFiles(stagedDir, pkg.version);
  if (staged) {
    for (const [file, from] of Object.entries(staged)) copyFileSync(from, join(pkg.binDir, file));
    if (staged !== undefined && missingProviderFiles(pkg.binDir).length === 0)
      return { installed: true, how: 'copied from the staged folder' };
  }
  tried.push(
    `staged folder ${stagedDir}: ${existsSync(stagedDir) ? `holds neither ${PROVIDER_FILES.join(' and ')} nor ${nugetPackageName(pkg.version)}` : 'does not exist'}`,
  );
  if (!download) {
    tried.push("onnxruntime-node's install script: not tried (--no-download)");
    return { installed: false, tried };
  }
  log(
    "running onnxruntime-node's install script (ONNXRUNTIME_NODE_INSTALL=cuda12), which downloads from api.nuget.org …",
  );
  const env: NodeJS.ProcessEnv = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12' };
  // .npmrc's onnxruntime-node-install=skip reaches scripts as npm_config_onnxruntime_node_install.
  // And the script (1.30) treats cuda12 like no flag at all, then skips a "local install", which
  // is what it takes itself for when these two npm run variables name this workspace.
  for (const name of ['npm_config_onnxruntime_node_install', 'npm_config_local_prefix', 'npm_package_json'])
    delete env[name];
  const result = spawnSync(process.execPath, ['script/install.js'], {
    cwd: pkg.packageDir,
    env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status === 0 && missingProviderFiles(pkg.binDir).length === 0)
    return { installed: true, how: "downloaded by onnxruntime-node's install script" };
  const errorLine = `${result.stderr ?? ''}`.split('\n').find((l) => /^\w*Error\b/.test(l.trim()));
  const why = result.error?.message ?? errorLine?.trim() ?? `exit status ${result.status}, no provider files`;
  tried.push(`onnxruntime-node's install script: ${why}`);
  return { installed: false, tried };
}

/** file name → path of the provider libraries in the staged folder, extracting the .nupkg if that is what is there. */
function stagedFiles(stagedDir: string, version: string): Record<string, string> | undefined {
  if (!existsSync(stagedDir)) return undefined;
  const present = readdirSync(stagedDir);
  if (PROVIDER_FILES.every((f) => present.includes(f))) {
    return Object.fromEntries(
      [...PROVIDER_FILES, ...OPTIONAL_FILES.filter((f) => present.includes(f))].map((f) => [
        f,
        join(stagedDir, f),
      ]),
    );
  }
  const nupkg = present.find((f) => f.toLowerCase() === nugetPackageName(version).toLowerCase());
  if (!nupkg) return undefined;
  const out = mkdtempSync(join(tmpdir(), 'ort-cuda-'));
  const extracted =
    run('unzip', ['-o', '-j', '-d', out, join(stagedDir, nupkg), `${NUGET_FOLDER}/*.so`]) ??
    extractWithPython(join(stagedDir, nupkg), out);
  if (extracted === undefined) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(
      `cannot open ${nupkg}: install unzip (apt-get install unzip) or python3, or stage the .so files from its ${NUGET_FOLDER}/ instead`,
    );
  }
  const files = readdirSync(out);
  return Object.fromEntries(
    [...PROVIDER_FILES, ...OPTIONAL_FILES].filter((f) => files.includes(f)).map((f) => [f, join(out, f)]),
  );
}

function extractWithPython(nupkg: string, out: string): string | undefined {
  const script = `import sys, zipfile, os\nz = zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist():\n    if n.startswith('${NUGET_FOLDER}/') and n.endswith('.so'):\n        open(os.path.join(sys.argv[2], os.path.basename(n)), 'wb').write(z.read(n))\n`;
  return run('python3', ['-c', script, nupkg, out]);
}

/** What an operator stages, and where, when the provider could not be installed. */
export function stagingInstructions(pkg: ProviderPackage, stagedDir: string): string {
  const nupkg = nugetPackageName(pkg.version);
  return [
    `onnxruntime-node ${pkg.version}'s CUDA provider is not installed (${pkg.binDir} lacks ${missingProviderFiles(pkg.binDir).join(', ')}).`,
    'Stage it, on a machine that can reach nuget.org, then copy it here:',
    `  1. download https://www.nuget.org/api/v2/package/Microsoft.ML.OnnxRuntime.Gpu.Linux/${pkg.version} (saved as ${nupkg})`,
    `  2. put it, or the files ${PROVIDER_FILES.join(', ')} from its ${NUGET_FOLDER}/, in ${stagedDir}`,
    `     (another folder: npm run gpu:check -- --staged=DIR, or GPU_CHECK_STAGED_DIR=DIR)`,
    '  3. run npm run gpu:check again',
    `Where the network allows, it installs through onnxruntime-node's own script instead (unless --no-download).`,
  ].join('\n');
}
