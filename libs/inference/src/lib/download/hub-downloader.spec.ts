import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeHuggingFaceHub, freePort } from '@streamscribe/testing';
import { downloadModel } from './hub-downloader';
import { createHash } from 'node:crypto';
import { ChecksumMismatchError } from './checksum-mismatch.error';
import { HubUnreachableError } from './hub-unreachable.error';
import { catalogModel } from './model-catalog';
import { renderProgress } from './progress-bar';

const REPO = 'onnx-community/whisper-base';
const model = catalogModel('whisper-base');

function hubFiles(): Record<string, Buffer> {
  return {
    'config.json': Buffer.from('{"model_type":"whisper"}'),
    'generation_config.json': Buffer.from('{}'),
    'preprocessor_config.json': Buffer.from('{}'),
    'tokenizer.json': Buffer.from('{"model":{}}'),
    'onnx/encoder_model.onnx': randomBytes(300_000),
    'onnx/decoder_model_merged.onnx': randomBytes(200_000),
  };
}

describe('downloadModel against a local hub', () => {
  let hub: FakeHuggingFaceHub;
  let files: Record<string, Buffer>;
  let dir: string;

  beforeEach(async () => {
    hub = await FakeHuggingFaceHub.start();
    files = hubFiles();
    for (const [path, content] of Object.entries(files)) hub.addFile(REPO, path, content);
    dir = mkdtempSync(join(tmpdir(), 'models-'));
  });
  afterEach(() => hub.close());

  it('fetches every file of the export through the redirect, skips optional files the repo lacks, and reports progress', async () => {
    const progress: Record<string, number[]> = {};
    const downloaded = await downloadModel(model, {
      dir,
      endpoint: hub.url,
      token: 'hf_test',
      onProgress: (file, received, total) => (progress[file] ??= []).push(received / total),
    });
    expect(downloaded.map((d) => d.path)).toEqual(Object.keys(files).map((p) => join(dir, p)));
    for (const [path, content] of Object.entries(files))
      expect(readFileSync(join(dir, path)).equals(content)).toBe(true);
    expect(progress['onnx/encoder_model.onnx'].at(-1)).toBe(1);
    expect(existsSync(join(dir, 'onnx/encoder_model.onnx_data'))).toBe(false);
    expect(hub.requests.every((r) => r.authorization === 'Bearer hf_test')).toBe(true);
  });

  it('keeps files already complete, without fetching them again', async () => {
    await downloadModel(model, { dir, endpoint: hub.url });
    hub.requests.length = 0;
    const again = await downloadModel(model, { dir, endpoint: hub.url });
    expect(again.every((d) => d.cached)).toBe(true);
    expect(hub.requests.filter((r) => r.method === 'GET')).toEqual([]);
  });

  it('resumes a dropped transfer with a Range request where it stopped', async () => {
    hub.cutNextTransfer(REPO, 'onnx/encoder_model.onnx', 120_000);
    await downloadModel(model, { dir, endpoint: hub.url });
    expect(readFileSync(join(dir, 'onnx/encoder_model.onnx')).equals(files['onnx/encoder_model.onnx'])).toBe(
      true,
    );
    // The CDN sent 120 000 bytes before dropping the connection; what arrived is where it resumes.
    const served = hub.requests.filter(
      (r) => r.method === 'GET' && r.path === `cdn/${REPO}/resolve/main/onnx/encoder_model.onnx`,
    );
    expect(served).toHaveLength(2);
    expect(served[0].range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(served[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(120_000);
  });

  it('resumes a partial file an earlier run left behind', async () => {
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    writeFileSync(
      join(dir, 'onnx/decoder_model_merged.onnx.part'),
      files['onnx/decoder_model_merged.onnx'].subarray(0, 50_000),
    );
    await downloadModel(model, { dir, endpoint: hub.url });
    expect(
      readFileSync(join(dir, 'onnx/decoder_model_merged.onnx')).equals(
        files['onnx/decoder_model_merged.onnx'],
      ),
    ).toBe(true);
    expect(
      hub.requests.find((r) => r.method === 'GET' && r.path.endsWith('decoder_model_merged.onnx') && r.range)
        ?.range,
    ).toBe('bytes=50000-');
  });

  it('starts over when the server ignores the range, and still ends with the right bytes', async () => {
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    writeFileSync(join(dir, 'onnx/encoder_model.onnx.part'), Buffer.alloc(1000, 7));
    hub.setIgnoreRange(true);
    await downloadModel(model, { dir, endpoint: hub.url });
    expect(readFileSync(join(dir, 'onnx/encoder_model.onnx')).equals(files['onnx/encoder_model.onnx'])).toBe(
      true,
    );
  });

  it('verifies every file against the sha256 the hub publishes', async () => {
    const downloaded = await downloadModel(model, { dir, endpoint: hub.url });
    const encoder = downloaded.find((d) => d.path.endsWith('encoder_model.onnx'));
    expect(encoder?.checksum).toEqual({
      algorithm: 'sha256',
      hex: createHash('sha256').update(files['onnx/encoder_model.onnx']).digest('hex'),
    });
  });

  it('refuses a file whose bytes do not match its checksum, and deletes it', async () => {
    const wrong = Buffer.from(files['onnx/encoder_model.onnx']);
    wrong[1234] ^= 0xff;
    hub.tamperWith(REPO, 'onnx/encoder_model.onnx', wrong);
    const failure = downloadModel(model, { dir, endpoint: hub.url });
    await expect(failure).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(failure).rejects.toThrow(
      /encoder_model\.onnx: checksum mismatch \(sha256 expected [0-9a-f]{64}, got [0-9a-f]{64}\); refused and deleted/,
    );
    expect(existsSync(join(dir, 'onnx/encoder_model.onnx'))).toBe(false);
    expect(existsSync(join(dir, 'onnx/encoder_model.onnx.part'))).toBe(false);
  });

  it('checks a small file kept in git against its git blob SHA-1, and refuses one that differs', async () => {
    hub.addFile(REPO, 'config.json', files['config.json'], { inGit: true });
    const downloaded = await downloadModel(model, { dir, endpoint: hub.url });
    expect(downloaded.find((d) => d.path.endsWith('config.json'))?.checksum.algorithm).toBe('git-sha1');
    const other = mkdtempSync(join(tmpdir(), 'models-'));
    hub.tamperWith(REPO, 'config.json', Buffer.from('{"model_type":"whispeR"}'));
    await expect(downloadModel(model, { dir: other, endpoint: hub.url })).rejects.toThrow(
      /config\.json: checksum mismatch \(git-sha1 expected [0-9a-f]{40}, got [0-9a-f]{40}\)/,
    );
    expect(existsSync(join(other, 'config.json'))).toBe(false);
  });

  it('refuses a file that does not match the sha256 pinned in the catalog', async () => {
    const pinned = {
      ...model,
      files: model.files.map((f) => (f.path === 'config.json' ? { ...f, sha256: 'ab'.repeat(32) } : f)),
    };
    await expect(downloadModel(pinned, { dir, endpoint: hub.url })).rejects.toThrow(
      /config\.json: checksum mismatch \(sha256 expected (ab){32}, got /,
    );
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('fetches again a file already on disk whose bytes do not match', async () => {
    await downloadModel(model, { dir, endpoint: hub.url });
    const path = join(dir, 'onnx/decoder_model_merged.onnx');
    const bad = readFileSync(path);
    bad[0] ^= 0xff;
    writeFileSync(path, bad);
    const again = await downloadModel(model, { dir, endpoint: hub.url });
    expect(again.find((d) => d.path === path)?.cached).toBe(false);
    expect(readFileSync(path).equals(files['onnx/decoder_model_merged.onnx'])).toBe(true);
  });

  it('says which file the repo lacks', async () => {
    const bare = catalogModel('whisper-tiny');
    await expect(downloadModel(bare, { dir, endpoint: hub.url })).rejects.toThrow(
      /onnx-community\/whisper-tiny\/resolve\/main\/config\.json: the hub answered 404/,
    );
  });

  it('when the hub cannot be reached, says how to place the files by hand', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const failure = downloadModel(model, { dir, endpoint: closed });
    await expect(failure).rejects.toBeInstanceOf(HubUnreachableError);
    await expect(failure).rejects.toThrow(
      new RegExp(
        `could not reach the Hugging Face hub at ${closed} \\(ECONNREFUSED\\)\\.\\nTo place the model by hand: .*\\n  ${closed}/${REPO}/resolve/main/config\\.json\\n[\\s\\S]*onnx/decoder_model_merged\\.onnx\\n[\\s\\S]*copy them into ${dir} keeping their paths .* then set WHISPER_MODEL_DIR=${dir}\\.`,
      ),
    );
  });
});

describe('npm run models:download', () => {
  // Each test runs the CLI as its own process: generous on a loaded 2-core machine.
  jest.setTimeout(60_000);
  const root = join(__dirname, '../../../../..');
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        [join(root, 'scripts/run-ts.js'), join(root, 'scripts/models-download.ts'), ...args],
        { cwd: root, env: { ...process.env, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );

  it('downloads into --dir and prints the variable to set', async () => {
    const hub = await FakeHuggingFaceHub.start();
    try {
      for (const [path, content] of Object.entries(hubFiles())) hub.addFile(REPO, path, content);
      const dir = mkdtempSync(join(tmpdir(), 'cli-'));
      const result = await run(['whisper-base', '--dir', dir], { HF_ENDPOINT: hub.url });
      expect(result).toMatchObject({ code: 0, stdout: `WHISPER_MODEL_DIR=${dir}\n` });
      expect(result.stderr).toMatch(/\[#{30}\] 100\.0% .* onnx\/encoder_model\.onnx/);
      expect(result.stderr).toMatch(/6 files verified \(6 downloaded, 0 already there\)/);
    } finally {
      await hub.close();
    }
  });

  it('exits 1 with the by-hand instructions when the hub is unreachable', async () => {
    const result = await run(['parakeet-tdt-0.6b-v2', '--dir', '/tmp/unused'], {
      HF_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not reach the Hugging Face hub .*\nTo place the model by hand/);
    expect(result.stderr).toMatch(/then set PARAKEET_MODEL_DIR=\/tmp\/unused/);
  });
});

describe('catalogModel and renderProgress', () => {
  it('lists the known names for an unknown one', () => {
    expect(() => catalogModel('whisper-huge')).toThrow(
      /unknown model 'whisper-huge': choose one of whisper-tiny, whisper-base, .*parakeet-tdt-0\.6b-v2/,
    );
  });

  it('picks the weight variant files', () => {
    expect(catalogModel('whisper-base', { whisperDtype: 'q8' }).files.map((f) => f.path)).toContain(
      'onnx/encoder_model_quantized.onnx',
    );
    expect(
      catalogModel('parakeet-tdt-0.6b-v2', { parakeetQuantized: true }).files.map((f) => f.path),
    ).toContain('encoder-model.int8.onnx');
  });

  it('draws a bar', () => {
    expect(renderProgress('a.onnx', 5e6, 10e6)).toBe(
      `[${'#'.repeat(15)}${'-'.repeat(15)}]  50.0%  5.0/10.0 MB  a.onnx`,
    );
  });
});
