import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  TEST_ADMIN_API_KEY,
  readSpeech,
  speechWav,
  startDeepgramWorker,
} from '@streamscribe/testing';
import type { CorpusScore } from '@streamscribe/evaluation';

// Real processes: the harness itself, and for the router run redis-server, worker-deepgram and the router.
jest.setTimeout(120_000);

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

const REFERENCES = {
  fox: 'The quick brown fox jumps over the lazy dog.',
  shells: 'She sold twenty five sea shells, by the sea shore.',
  smith: "Mr. Smith can't pay the $20 fee today.",
};

/**
 * The fake provider's mistakes, the same in every file: word 2 becomes "banana" (a substitution),
 * word 5 is dropped (a deletion), "indeed" is added at the end (an insertion). Around them, only
 * differences the normaliser must forgive: a filler, shouting, digits for spelled numbers.
 * Each reference normalises to 9 words, so each file's WER is 3/9 and the pooled WER 9/27.
 */
function withKnownErrors(reference: string): string {
  const words = reference.split(' ');
  words[1] = 'banana';
  words.splice(4, 1);
  words.push('indeed');
  return `Um, ${words.join(' ').toUpperCase().replace('TWENTY FIVE', '25')}`;
}

/** A corpus folder: speech the fake reads back exactly (WAV, and FLAC, lossless, through ffmpeg). */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wer-corpus-'));
  for (const [name, text] of Object.entries(REFERENCES)) {
    const wav = speechWav(text, { durationSeconds: 2 });
    if (name === 'shells')
      writeFileSync(
        join(dir, `${name}.flac`),
        execFileSync(
          'ffmpeg',
          [
            '-hide_banner',
            '-loglevel',
            'error',
            '-f',
            'wav',
            '-i',
            'pipe:0',
            '-c:a',
            'flac',
            '-f',
            'flac',
            'pipe:1',
          ],
          { input: wav },
        ),
      );
    else writeFileSync(join(dir, `${name}.wav`), wav);
    writeFileSync(join(dir, `${name}.txt`), `${text}\n`);
  }
  return dir;
}

function evalWer(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Not execFileSync: the fake provider answers from this process, whose event loop must run.
  const child = spawn(
    process.execPath,
    [join(WORKSPACE_ROOT, 'scripts/run-ts.js'), join(WORKSPACE_ROOT, 'tools/eval-wer/src/main.ts'), ...args],
    {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, ...env },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function expectKnownErrors(score: CorpusScore, stdout: string): void {
  expect(
    score.files.map(({ name, referenceWords, substitutions, deletions, insertions, wer }) => ({
      name,
      referenceWords,
      substitutions,
      deletions,
      insertions,
      wer,
    })),
  ).toEqual(
    ['fox', 'shells', 'smith'].map((name) => ({
      name,
      referenceWords: 9,
      substitutions: 1,
      deletions: 1,
      insertions: 1,
      wer: 3 / 9,
    })),
  );
  expect(score.files.find((f) => f.name === 'smith')).toMatchObject({
    reference: 'mister smith can not pay the $20 fee today',
    hypothesis: 'mister banana can not pay $20 fee today indeed',
  });
  expect(score.pooled).toMatchObject({
    referenceWords: 27,
    substitutions: 3,
    deletions: 3,
    insertions: 3,
    wer: 9 / 27,
    audioSeconds: 6,
    failedFiles: 0,
  });
  expect(score.pooled.realTimeFactor).toBeGreaterThan(0);
  expect(stdout).toMatch(/^pooled\s+27\s+3\s+3\s+3\s+33\.33%\s+6\.00\s+\d+\.\d{3}$/m);
}

describe('npm run eval:wer through a fake provider that makes known errors', () => {
  let deepgram: FakeDeepgramServer;
  let dir: string;

  beforeAll(async () => {
    deepgram = await FakeDeepgramServer.start();
    deepgram.setTranscriber((audio) => withKnownErrors(readSpeech(audio.samples) ?? ''));
    dir = corpus();
  });
  afterAll(async () => {
    await deepgram?.close();
  });

  it('through the Deepgram adapter: each file and the pool score exactly the injected errors', async () => {
    const json = join(dir, 'report.json');
    const run = await evalWer(['--dir', dir, '--provider', 'deepgram', '--json', json], {
      DEEPGRAM_API_KEY: deepgram.apiKey,
      DEEPGRAM_API_URL: deepgram.url,
    });
    process.stdout.write(run.stdout);
    expect(run).toMatchObject({ code: 0, stderr: expect.stringContaining('3 file(s)') });
    expectKnownErrors(JSON.parse(readFileSync(json, 'utf8')) as CorpusScore, run.stdout);
  });

  it('through the router (decoding the FLAC, routing to worker-deepgram): the same figures', async () => {
    const harness = await RedisHarness.start();
    const worker = await startDeepgramWorker(harness.url, deepgram, { HEARTBEAT_INTERVAL_MS: '200' });
    const port = await freePort();
    const router = await AppProcess.start('router', {
      REDIS_URL: harness.url,
      PORT: String(port),
      LOAD_CACHE_MS: '0',
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    });
    try {
      const json = join(dir, 'router-report.json');
      const run = await evalWer(
        ['--dir', dir, '--router', `http://127.0.0.1:${port}`, '--provider', 'deepgram', '--json', json],
        { STREAMSCRIBE_API_KEY: TEST_ADMIN_API_KEY },
      );
      process.stdout.write(run.stdout);
      expect(run.code).toBe(0);
      expectKnownErrors(JSON.parse(readFileSync(json, 'utf8')) as CorpusScore, run.stdout);
    } finally {
      await router.stop();
      await worker.stop();
      await harness.close();
    }
  });
});
