import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WHISPER_DTYPE_SUFFIXES, type WhisperDtype } from '@streamscribe/inference';

const ROOT = join(__dirname, '..', '..');

/**
 * A Whisper-base-shaped export with random weights (~290 MB): generated on first use by
 * tools/models/generate_models.py into BENCH_MODEL_DIR (default: the OS temp folder), never
 * committed. Random weights decode nonsense, so the benchmark fixes the decode steps. A dtype other
 * than fp32 adds that weight variant (fp16, int8) to the same folder, made from the fp32 files. The
 * folder name carries a version: -v2 attends to the cached cross-attention keys/values on cached
 * decoder runs (the first version ignored them, so its decoder steps were too cheap).
 */
export function randomWhisperBase(dtype: WhisperDtype = 'fp32'): string {
  const dir =
    process.env['BENCH_MODEL_DIR'] || join(tmpdir(), 'streamscribe-bench', 'whisper-base-random-v2');
  if (existsSync(join(dir, 'onnx', `decoder_model_merged${WHISPER_DTYPE_SUFFIXES[dtype]}.onnx`))) return dir;
  if (dtype !== 'fp32' && dtype !== 'fp16' && dtype !== 'int8')
    throw new Error(`the benchmark generates fp32, fp16 and int8 weights, not ${dtype}`);
  const python = process.env['PYTHON'] || '/usr/bin/python3';
  process.stderr.write(`generating a random-weight Whisper-base export in ${dir} (once)\n`);
  const result = spawnSync(
    python,
    [
      join(ROOT, 'tools/models/generate_models.py'),
      'whisper-base',
      '--out',
      dir,
      ...(dtype === 'fp32' ? [] : ['--dtypes', dtype]),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new Error(
      `${python} tools/models/generate_models.py failed (status ${result.status}): it needs numpy and onnx ` +
        '(Debian: apt-get install python3-onnx python3-numpy; elsewhere pip install onnx numpy, and set PYTHON)',
    );
  }
  return dir;
}
