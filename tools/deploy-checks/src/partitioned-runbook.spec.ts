import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import {
  DEFAULT_TENANT,
  encodeChunkEntry,
  keySchemeFrom,
  newChunkEntry,
  providerGroup,
  providerHeartbeatKey,
  recordFromPairs,
} from '@streamscribe/contracts';
import { RedisHarness, speechWav } from '@streamscribe/testing';
import { WORKSPACE_ROOT } from './grafana-dashboards';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

const keys = keySchemeFrom({ REDIS_PARTITIONS: '4' });
const DEAD_LETTERS_CLI = ['scripts/run-ts.js', 'apps/router/src/cli/dead-letters.ts'].map((path) =>
  join(WORKSPACE_ROOT, path),
);

/** A session id of the default tenant that partitionOf pins to partition k. */
function sessionIn(k: number): string {
  for (let i = 0; ; i++) if (keys.partitionOf(DEFAULT_TENANT, `runbook-${i}`) === k) return `runbook-${i}`;
}

describe('npm run dead-letters with REDIS_PARTITIONS=4', () => {
  let harness: RedisHarness;
  let redis: Redis;
  const deadLetters = (...args: string[]) =>
    spawnSync(process.execPath, [...DEAD_LETTERS_CLI, ...args], {
      env: {
        ...process.env,
        REDIS_URL: harness.url,
        REDIS_PARTITIONS: '4',
        // A CLI start can take seconds on a loaded machine: the heartbeat below stays live.
        CONSUMER_LIVENESS_MS: '600000',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterAll(async () => {
    redis?.disconnect();
    await harness?.close();
  });

  it("lists every partition's letters and re-drives each to its own partition", async () => {
    // The API id of a letter names its partition; entry ids a millisecond apart, in this order.
    const letters = new Map<number, string>();
    const base = Date.now();
    for (const [i, k] of [3, 1].entries()) {
      const sessionId = sessionIn(k);
      const fields = encodeChunkEntry({
        ...newChunkEntry({
          sessionId,
          chunkId: 'c1',
          seq: 0,
          audio: speechWav('hello'),
          audioFormat: 'wav',
          hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
          fallbackProviders: [],
        }),
        attemptedProviders: ['deepgram'],
        originalProvider: 'deepgram',
      });
      const entryId = (await redis.xadd(
        keys.deadLetterStream(k),
        `${base + i}-0`,
        ...fields,
        'dead_letter_reason',
        'chain exhausted',
        'failed_provider',
        'deepgram',
      )) as string;
      letters.set(k, `${entryId}@${k}`);
    }
    const list = deadLetters('list');
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      total: 2,
      letters: [{ id: letters.get(3) }, { id: letters.get(1) }],
    });

    // A live Deepgram fleet: its group on every partition (as the consumer-group Job makes it).
    for (const k of keys.allPartitions())
      await redis.xgroup(
        'CREATE',
        keys.providerStream('deepgram', k),
        providerGroup('deepgram'),
        '0',
        'MKSTREAM',
      );
    await redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'deepgram-1');
    const run = deadLetters('redrive', '--all');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      requeued: 2,
      // Partition by partition, each oldest first.
      outcomes: [
        { id: letters.get(1), status: 'requeued' },
        { id: letters.get(3), status: 'requeued' },
      ],
    });
    for (const k of keys.allPartitions()) {
      const queued = await redis.xrange(keys.providerStream('deepgram', k), '-', '+');
      expect(queued.map(([, f]) => recordFromPairs(f)['session_id'])).toEqual(
        letters.has(k) ? [sessionIn(k)] : [],
      );
      expect(await redis.xlen(keys.deadLetterStream(k))).toBe(0);
    }
  });
});
