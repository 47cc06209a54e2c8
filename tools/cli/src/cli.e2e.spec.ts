import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '@streamscribe/audio';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  TEST_ADMIN_API_KEY,
  speechWav,
  spokenScript,
  startDeepgramWorker,
} from '@streamscribe/testing';
import { STATE_FILE } from './transcribe';

// Real processes: redis-server, worker-deepgram (against the fake Deepgram in this process), the
// router, and the CLI as a child process the way a user runs it (bin/streamscribe.js).
jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'streamscribe.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process; not execFileSync: the router answers from this process. */
function cli(args: string[], env: Record<string, string> = {}, stdin?: Buffer): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  if (stdin) {
    // Raw PCM a little faster than real time, then the end of the pipe (as when sox stops).
    void (async () => {
      for (let at = 0; at < stdin.length; at += 3200) {
        child.stdin.write(stdin.subarray(at, at + 3200));
        await new Promise((r) => setTimeout(r, 10));
      }
      child.stdin.end();
    })();
  } else child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * The CLI on a pseudo-terminal (`script -qfc`), as a person at a terminal sees it: what the
 * terminal received (stdout and stderr together, with its escape sequences) and the exit code.
 */
function cliOnTerminal(args: string[], env: Record<string, string>): Promise<Run> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', ...env },
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr: '' })));
}

const ERASE_LINE = `${String.fromCharCode(27)}[2K`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const WORDS = ['alpha bravo', 'charlie delta', 'echo foxtrot', 'golf hotel'];

describe('streamscribe CLI against a router stack', () => {
  let harness: RedisHarness;
  let deepgram: FakeDeepgramServer;
  let worker: AppProcess;
  let router: AppProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    deepgram = await FakeDeepgramServer.start();
    worker = await startDeepgramWorker(harness.url, deepgram, { HEARTBEAT_INTERVAL_MS: '200' });
    const port = await freePort();
    router = await AppProcess.start('router', {
      REDIS_URL: harness.url,
      PORT: String(port),
      LOAD_CACHE_MS: '0',
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    });
    env = { STREAMSCRIBE_URL: `http://127.0.0.1:${port}`, STREAMSCRIBE_API_KEY: TEST_ADMIN_API_KEY };
  }, 90_000);
  afterAll(async () => {
    await router?.stop();
    await worker?.stop();
    await deepgram?.close();
    await harness?.close();
  });

  function folderOfWavs(): string {
    const dir = mkdtempSync(join(tmpdir(), 'cli-wavs-'));
    WORDS.forEach((text, i) =>
      writeFileSync(join(dir, `clip-${i}.wav`), speechWav(text, { durationSeconds: 2 })),
    );
    writeFileSync(join(dir, 'notes.md'), 'not audio');
    return dir;
  }

  it('transcribes a folder to .srt files with a progress bar on a terminal, then resumes by skipping them', async () => {
    const dir = folderOfWavs();
    const out = join(dir, 'subs');
    const run = await cliOnTerminal(
      ['transcribe', dir, '--out', out, '--format', 'srt', '--concurrency', '2'],
      env,
    );
    expect(run.code).toBe(0);
    // The bar, redrawn in place (carriage return, erase line), at 100% with every file done.
    expect(run.stdout).toContain(`\r${ERASE_LINE}[#`);
    expect(run.stdout).toContain(`[${'#'.repeat(28)}] 100%  4/4 files`);
    expect(run.stdout).toContain('4 of 4 files transcribed');
    const written = readdirSync(out)
      .filter((f) => f.endsWith('.srt'))
      .sort();
    expect(written).toEqual(['clip-0.srt', 'clip-1.srt', 'clip-2.srt', 'clip-3.srt']);
    WORDS.forEach((text, i) => {
      const srt = readFileSync(join(out, `clip-${i}.srt`), 'utf8');
      expect(srt).toMatch(/^1\r?\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\r?\n/);
      expect(srt.toLowerCase()).toContain(text);
    });

    // Again, with one output removed: only that file goes to the router; plain lines off a terminal.
    unlinkSync(join(out, 'clip-2.srt'));
    const before = deepgram.requests.length;
    const again = await cli(['transcribe', dir, '--out', out, '--format', 'srt'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('skipped clip-0.wav: clip-0.srt exists');
    expect(again.stderr).toMatch(/done clip-2\.wav -> .*clip-2\.srt/);
    expect(again.stderr).not.toContain(ERASE_LINE);
    expect(deepgram.requests.length - before).toBe(1);
    expect(readFileSync(join(out, 'clip-2.srt'), 'utf8').toLowerCase()).toContain('echo foxtrot');
  });

  it('resumes an interrupted run: a file uploaded before is fetched by its session id, not sent again', async () => {
    const dir = folderOfWavs();
    const first = await cli(['transcribe', join(dir, 'clip-1.wav'), '--format', 'text', '--json'], env);
    expect(first.code).toBe(0);
    const { files } = JSON.parse(first.stdout) as { files: { sessionId: string; output: string }[] };
    // As an interrupted run leaves it: the upload finished, the state file holds the session, no output yet.
    unlinkSync(files[0].output);
    writeFileSync(
      join(dir, STATE_FILE),
      JSON.stringify({
        files: { [join(dir, 'clip-1.wav')]: { sessionId: files[0].sessionId, stage: 'uploaded' } },
      }),
    );
    const before = deepgram.requests.length;
    const resumed = await cli(['transcribe', join(dir, 'clip-1.wav'), '--format', 'text', '--json'], env);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toEqual({
      files: [expect.objectContaining({ status: 'resumed', sessionId: files[0].sessionId })],
      failed: 0,
    });
    expect(resumed.stderr).toBe('');
    expect(deepgram.requests.length).toBe(before);
    expect(readFileSync(files[0].output, 'utf8').toLowerCase()).toContain('charlie delta');
    expect(JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'))).toEqual({ files: {} });
  });

  it('providers --json, and keys create | list | rotate | revoke', async () => {
    const providers = await cli(['providers', '--json'], env);
    expect(providers.code).toBe(0);
    expect(JSON.parse(providers.stdout).providers).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'deepgram' })]),
    );

    const created = await cli(
      ['keys', 'create', '--tenant', 'cli-test', '--scopes', 'transcribe,read', '--json'],
      env,
    );
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; tenant: string };
    expect(key.tenant).toBe('cli-test');
    const listed = await cli(['keys', 'list', '--tenant', 'cli-test', '--json'], env);
    expect(JSON.parse(listed.stdout).keys.map((k: { id: string }) => k.id)).toContain(key.id);

    // The new key works for providers but not for admin: exit code 3.
    const asTenant = { ...env, STREAMSCRIBE_API_KEY: key.key };
    expect((await cli(['providers'], asTenant)).code).toBe(0);
    const refused = await cli(['keys', 'list'], asTenant);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^streamscribe: 403/);

    const rotated = await cli(['keys', 'rotate', key.id, '--json'], env);
    expect(rotated.code).toBe(0);
    const next = JSON.parse(rotated.stdout) as { id: string };
    expect((await cli(['keys', 'revoke', next.id], env)).stdout).toBe(`revoked ${next.id}\n`);
    expect((await cli(['keys', 'revoke', 'nope'], env)).code).toBe(6);
  });

  it('dead-letters list --json', async () => {
    const run = await cli(['dead-letters', 'list', '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('letters');
  });

  it('streams a WAV file to /v1/listen and prints the final results', async () => {
    const script = spokenScript(
      [
        { words: ['alpha', 'bravo'], startMs: 200 },
        { words: ['charlie', 'delta'], startMs: 1500 },
      ],
      { totalMs: 2800 },
    );
    const dir = mkdtempSync(join(tmpdir(), 'cli-stream-'));
    writeFileSync(join(dir, 'talk.wav'), encodeWav(script.pcm, { sampleRate: 16000, channels: 1 }));
    const run = await cli(['stream', join(dir, 'talk.wav'), '--fast'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('alpha bravo');
    expect(run.stdout).toContain('delta');
  });

  it('streams raw PCM from stdin (stream -) with --json: one Results message a line', async () => {
    const script = spokenScript([{ words: ['kilo', 'lima', 'mike'], startMs: 200 }], { totalMs: 1800 });
    const run = await cli(['stream', '-', '--json'], env, script.pcm);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const messages = run.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            is_final?: boolean;
            channel: { alternatives: { transcript: string }[] };
          },
      );
    const finals = messages
      .filter((m) => m.type === 'Results' && m.is_final)
      .map((m) => m.channel.alternatives[0].transcript);
    expect(finals.join(' ')).toContain('kilo lima mike');
  });

  it.each([
    ['no command', [], {}, 2, /usage: streamscribe/],
    ['an unknown option', ['providers', '--colour'], {}, 2, /unknown option --colour/],
    ['a bad format', ['transcribe', '.', '--format', 'docx'], {}, 2, /--format must be one of/],
    ['a wrong key', ['providers'], { STREAMSCRIBE_API_KEY: 'ss_wrong' }, 3, /^streamscribe: 401/],
    ['no router', ['providers'], { STREAMSCRIBE_URL: 'http://127.0.0.1:9' }, 4, /cannot reach/],
  ])('exit codes: %s', async (_what, args, overrides, code, message) => {
    const run = await cli(args as string[], { ...env, ...(overrides as Record<string, string>) });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it('a missing file is a usage error; --help is not', async () => {
    expect((await cli(['transcribe', '/nonexistent/x.wav'], env)).code).toBe(2);
    const help = await cli(['--help'], env);
    expect(help.code).toBe(0);
    expect(existsSync(BIN)).toBe(true);
    expect(help.stdout).toMatch(/exit codes: 0 ok, 1 failed, 2 usage, 3 auth, 4 unavailable/);
  });
});
