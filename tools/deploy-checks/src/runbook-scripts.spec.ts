import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { KeyScheme, ProviderName, providerGroup, recordFromPairs } from '@streamscribe/contracts';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  speechWav,
  startDeepgramWorker,
  until,
} from '@streamscribe/testing';
import { WORKSPACE_ROOT } from './grafana-dashboards';

const keys = new KeyScheme();
const DEAD_LETTER_STREAM = keys.deadLetterStream();
const RESULTS_ALL_STREAM = keys.allResultsStream();
const providerStream = (provider: ProviderName) => keys.providerStream(provider);

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

const DEAD_LETTERS_CLI = ['scripts/run-ts.js', 'apps/router/src/cli/dead-letters.ts'].map((path) =>
  join(WORKSPACE_ROOT, path),
);
describe('the runbook of docs/operations.md, against a running worker', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let worker: AppProcess;
  /** `npm run dead-letters -- <args>`, as the runbook says. */
  const deadLetters = (...args: string[]) =>
    spawnSync(process.execPath, [...DEAD_LETTERS_CLI, ...args], {
      env: { ...process.env, REDIS_URL: harness.url, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    deepgram = await FakeDeepgramServer.start();
    worker = await startDeepgramWorker(harness.url, deepgram, {
      RETRY_BASE_MS: '10',
      RETRY_MAX_ATTEMPTS: '2',
      WORKER_BLOCK_MS: '100',
    });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await deepgram?.close();
    redis?.disconnect();
    await harness?.close();
  });

  it('npm run dead-letters lists a dead letter and re-drives it to a provider, which transcribes it', async () => {
    deepgram.failNext(2, { status: 500 });
    await redis.xadd(
      providerStream('deepgram'),
      '*',
      'audio',
      speechWav('second chance'),
      'session_id',
      'redrive-s',
      'chunk_id',
      'c1',
      'seq',
      '0',
      'fallback_providers',
      'whisper',
    );
    const [[letterId, letterFields]] = await until(
      () => redis.xrange(DEAD_LETTER_STREAM, '-', '+'),
      (letters) => letters.length === 1,
    );
    expect(recordFromPairs(letterFields)).toMatchObject({ chunk_id: 'c1', failed_provider: 'deepgram' });

    const list = deadLetters('list');
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      total: 1,
      letters: [{ id: letterId, chunkId: 'c1', redrivable: true }],
    });
    const run = deadLetters('redrive', letterId, '--provider', 'deepgram');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      requeued: 1,
      outcomes: [{ id: letterId, status: 'requeued', provider: 'deepgram' }],
    });
    expect(await redis.xlen(DEAD_LETTER_STREAM)).toBe(0);

    const results = await until(
      () => redis.xrange(RESULTS_ALL_STREAM, '-', '+'),
      (entries) => entries.some(([, f]) => recordFromPairs(f)['status'] === 'ok'),
    );
    expect(
      recordFromPairs(results.find(([, f]) => recordFromPairs(f)['status'] === 'ok')?.[1] as string[]),
    ).toMatchObject({ chunk_id: 'c1', text: 'second chance', provider: 'deepgram' });
    await until(
      async () =>
        ((await redis.xpending(providerStream('deepgram'), providerGroup('deepgram'))) as [number])[0],
      (n) => n === 0,
    );
  });

  it("logs JSON lines that follow the chunk by session and chunk id, and never the provider's key", () => {
    const lines = worker.logs.split('\n').filter(Boolean);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => r['msg'] === 'chunk dead-lettered')).toMatchObject({
      level: 'error',
      sessionId: 'redrive-s',
      chunkId: 'c1',
      app: 'worker-deepgram',
    });
    expect(records.filter((r) => r['msg'] === 'retrying')).toEqual([
      expect.objectContaining({ sessionId: 'redrive-s', chunkId: 'c1' }),
    ]);
    expect(worker.logs).not.toContain(FakeDeepgramServer.DEFAULT_API_KEY);
  });

  it('npm run dead-letters says what is wrong, and changes nothing, for an unknown id or provider', async () => {
    const unknownId = deadLetters('redrive', '1-1');
    expect(unknownId.status).toBe(0);
    expect(JSON.parse(unknownId.stdout)).toEqual({
      requeued: 0,
      outcomes: [{ id: '1-1', status: 'not_found' }],
    });
    const unknownProvider = deadLetters('redrive', '1-1', '--provider', 'openai');
    expect(unknownProvider.status).toBe(1);
    expect(unknownProvider.stderr).toMatch(/--provider must be one of: deepgram/);
    expect(deadLetters('frobnicate').status).toBe(2);
  });
});
