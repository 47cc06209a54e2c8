import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromLoaderCache, parseDriverCuda, versionFromFileName } from './cuda-libraries';

// This machine has no NVIDIA GPU and no CUDA libraries, and onnxruntime-node is installed without
// its CUDA provider: the paths that must fail clearly, run for real.
jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..', '..');

function gpuCheck(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts/run-ts.js'), join(ROOT, 'tools/gpu-check/src/main.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: '' } },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('npm run gpu:check without a GPU', () => {
  it('reports the CUDA and cuDNN libraries it needs and did not find, and stops with status 2 before installing anything', () => {
    const { status, out } = gpuCheck();
    expect(status).toBe(2);
    expect(out).toMatch(/GPUs: none found/);
    expect(out).toMatch(/\| CUDA runtime \| libcudart\.so\.12 \(CUDA 12\.x\) \| not found \| - \|/);
    expect(out).toMatch(/\| cuDNN \| libcudnn\.so\.9 \(cuDNN 9\.x\) \| not found \| - \|/);
    expect(out).toMatch(
      /Not installed or run: this machine has no NVIDIA GPU\. Run npm run gpu:check on the CUDA machine/,
    );
    expect(out).not.toMatch(/gpu:check: /);
  });

  it('--install-only with nothing staged and no download says what to stage and where, with status 2', () => {
    const staged = mkdtempSync(join(tmpdir(), 'gpu-stage-'));
    writeFileSync(join(staged, 'libonnxruntime_providers_shared.so'), '');
    const { status, out } = gpuCheck('--install-only', '--no-download', `--staged=${staged}`);
    expect(status).toBe(2);
    expect(out).toContain(
      `tried: staged folder ${staged}: holds neither libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so nor Microsoft.ML.OnnxRuntime.Gpu.Linux.1.30.0.nupkg`,
    );
    expect(out).toContain("tried: onnxruntime-node's install script: not tried (--no-download)");
    expect(out).toContain(
      'download https://www.nuget.org/api/v2/package/Microsoft.ML.OnnxRuntime.Gpu.Linux/1.30.0',
    );
    expect(out).toContain(`from its runtimes/linux-x64/native/, in ${staged}`);
  });

  it('refuses an unknown option, naming it and the usage', () => {
    const { status, out } = gpuCheck('--stagd=/x');
    expect(status).toBe(1);
    expect(out).toMatch(/gpu:check: unknown option --stagd=\/x; usage: npm run gpu:check/);
  });
});

describe('reading what CUDA tools print', () => {
  it("finds the CUDA version in nvidia-smi's banner", () => {
    const banner =
      '| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |';
    expect(parseDriverCuda(banner)).toBe('12.4');
    expect(parseDriverCuda('NVIDIA-SMI has failed')).toBeUndefined();
  });

  it('reads versions from resolved library file names', () => {
    expect(versionFromFileName('libcudnn.so.9.1.0', 'libcudnn.so.9')).toBe('9.1.0');
    expect(versionFromFileName('libcudart.so.12.8.90', 'libcudart.so.12')).toBe('12.8.90');
    expect(versionFromFileName('libcublasLt.so.12.8.4.1', 'libcublasLt.so.12')).toBe('12.8.4.1');
    expect(versionFromFileName('libcublas.so.12.8.4.1', 'libcublasLt.so.12')).toBeUndefined();
  });

  it("picks a library's path out of ldconfig -p", () => {
    const cache = [
      "1234 libs found in cache `/etc/ld.so.cache'",
      '\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9',
      '\tlibcudart.so.12 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.12',
    ].join('\n');
    expect(fromLoaderCache(cache, 'libcudart.so.12')).toBe('/usr/local/cuda/lib64/libcudart.so.12');
    expect(fromLoaderCache(cache, 'libcublas.so.12')).toBeUndefined();
  });
});
