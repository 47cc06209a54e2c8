import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  FakeHuggingFaceHub,
  RedisHarness,
  TINY_WHISPER_TEXT,
  freePort,
  speechWav,
  tinyModelDir,
} from '@streamscribe/testing';

// `npm start` for real (scripts/start.js as a child process, no terminal, no keys): it downloads
// the default model from a local hub, starts the router and worker-whisper, and answers the quick
// start's request. Real processes and ONNX Runtime on a small machine: generous timeouts.
jest.setTimeout(180_000);

const ROOT = join(__dirname, '../../..');
const REPO = 'onnx-community/whisper-base';
/** What the catalog asks for (fp32 weights), from the committed tiny Whisper. */
const TINY_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'onnx/encoder_model.onnx',
  'onnx/decoder_model_merged.onnx',
];

class NpmStart {
  output = '';
  private exitCode?: number | null;
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  static run(env: Record<string, string>): NpmStart {
    const inherited = { ...process.env };
    // A first run: no provider configured, no admin key, logs on (Jest's worker id silences them).
    for (const name of [
      'DEEPGRAM_API_KEY',
      'ASSEMBLYAI_API_KEY',
      'WHISPER_MODEL_DIR',
      'PARAKEET_MODEL_DIR',
      'ADMIN_API_KEY',
      'JEST_WORKER_ID',
      'LOG_FORMAT',
      'HF_TOKEN',
    ])
      delete inherited[name];
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.js')], {
      cwd: ROOT,
      env: { ...inherited, LOG_LEVEL: 'info', MANAGEMENT_PORT: '0', INFERENCE_INTRA_OP_THREADS: '1', ...env },
      // No terminal: stdin is not a TTY, so nothing is asked.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new NpmStart(child);
  }

  async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (this.exitCode !== undefined)
        throw new Error(`npm start exited (${this.exitCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline)
        throw new Error(`npm start did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill('SIGTERM');
    return this.exited;
  }

  /** npm start's own lines (the apps' lines are JSON too, from their logger). */
  ownLines(): Record<string, unknown>[] {
    return this.output
      .split('\n')
      .filter((line) => line.includes('"component":"npm-start"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((p) => String(p))
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => relative(dir, join(dir, p)))
    .sort();
}

describe('npm start with no keys and no terminal', () => {
  let harness: RedisHarness;
  let redis: ReturnType<RedisHarness['client']>;
  let hub: FakeHuggingFaceHub;
  let started: NpmStart | undefined;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });
  beforeEach(async () => {
    await redis.flushall();
    hub = await FakeHuggingFaceHub.start();
    for (const path of TINY_FILES) hub.addFile(REPO, path, readFileSync(join(tinyModelDir('whisper'), path)));
  });
  afterEach(async () => {
    await started?.stop();
    started = undefined;
    await hub.close();
  });

  const run = async (overrides: Record<string, string> = {}) => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'first-run-models-'));
    const port = await freePort();
    started = NpmStart.run({
      REDIS_URL: harness.url,
      PORT: String(port),
      HF_ENDPOINT: hub.url,
      STREAMSCRIBE_MODELS_DIR: modelsDir,
      ...overrides,
    });
    return {
      started,
      modelsDir,
      base: `http://127.0.0.1:${port}`,
      modelDir: join(modelsDir, 'whisper-base'),
    };
  };

  it('downloads the default model, verified, starts local Whisper, and the quick start request returns a transcript', async () => {
    const { started, base, modelDir } = await run();
    const [, key] = await started.waitFor(/^\s+(ss_\S+)\s*$/m);
    await started.waitFor(/"app":"worker-whisper".*"msg":"worker ready"/);
    await started.waitFor(/"msg":"router ready"/);
    expect(filesUnder(modelDir)).toEqual([...TINY_FILES].sort());
    expect(started.output).toMatch(/6 files verified \(6 downloaded, 0 already there\)/);

    // The README's quick start: curl -X POST 'localhost:8080/v1/transcriptions?wait=true' -H "Authorization: Bearer $KEY" ...
    const response = await fetch(`${base}/v1/transcriptions?wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'audio/wav' },
      body: speechWav('hello world', { durationSeconds: 1.5 }),
    });
    const body = (await response.json()) as {
      provider: string;
      transcript: { text: string; complete: boolean };
    };
    // The status beside the body, so a refusal shows its code and message (503 seen under load).
    expect({ status: response.status, body }).toMatchObject({ status: 200 });
    expect(body).toMatchObject({ provider: 'whisper', transcript: { complete: true } });
    expect(body.transcript.text.trim()).toBe(TINY_WHISPER_TEXT);

    // No terminal: log lines are JSON, one object per line.
    const own = started.ownLines().map((line) => line['msg']);
    expect(own).toContainEqual(
      expect.stringMatching(/no provider is configured and no terminal to ask on: downloading whisper-base/),
    );
    expect(own).toContainEqual(`whisper-base downloaded and verified: running worker-whisper on ${modelDir}`);
    expect(await started.stop()).toBe(0);
  });

  it('refuses a download whose checksum does not match, deletes it, and starts no worker on it', async () => {
    const original = readFileSync(join(tinyModelDir('whisper'), 'onnx/encoder_model.onnx'));
    const tampered = Buffer.from(original);
    tampered[tampered.length - 10] ^= 0xff;
    hub.tamperWith(REPO, 'onnx/encoder_model.onnx', tampered);
    const { started, modelDir } = await run();
    await started.waitFor(/whisper-base could not be downloaded/);
    expect(started.output).toMatch(
      /resolve\/main\/onnx\/encoder_model\.onnx: checksum mismatch \(sha256 expected [0-9a-f]{64}, got [0-9a-f]{64}\); refused and deleted the download/,
    );
    expect(existsSync(join(modelDir, 'onnx/encoder_model.onnx'))).toBe(false);
    expect(existsSync(join(modelDir, 'onnx/encoder_model.onnx.part'))).toBe(false);
    await started.waitFor(/worker-whisper not started: set WHISPER_MODEL_DIR/);
    expect(started.output).not.toMatch(/"app":"worker-whisper"/);
  });

  it('when the hub cannot be reached, prints which files to download, from where, and where to put them', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { started, modelDir } = await run({ HF_ENDPOINT: closed });
    await started.waitFor(/whisper-base could not be downloaded/);
    expect(started.output).toMatch(
      new RegExp(
        `could not reach the Hugging Face hub at ${closed} \\(ECONNREFUSED\\)\\.\\nTo place the model by hand`,
      ),
    );
    for (const path of TINY_FILES)
      expect(started.output).toContain(`\n  ${closed}/${REPO}/resolve/main/${path}\n`);
    expect(started.output).toContain(
      `copy them into ${modelDir} keeping their paths (onnx/… stays in onnx/), then set WHISPER_MODEL_DIR=${modelDir}.`,
    );
  });
});
