import Redis from 'ioredis';
import { AddressInfo, Socket, createServer } from 'node:net';
import { KeyScheme, providerGroup, providerHeartbeatKey, recordFromPairs } from '@streamscribe/contracts';
import { STREAM_METRICS, createLogger, metricsRegistry } from '@streamscribe/observability';
import { RedisHarness, parsePrometheusText, sampleValue } from '@streamscribe/testing';
import { StreamLagCollector } from './stream-lag.collector';
import { providerFleets } from './stream-stats.reader';

const keys = new KeyScheme();
const DEAD_LETTER_STREAM = keys.deadLetterStream();
const providerStream = (provider: 'deepgram' | 'whisper') => keys.providerStream(provider);
const DEEPGRAM = providerStream('deepgram');
const DEEPGRAM_GROUP = providerGroup('deepgram');
const LIVENESS_MS = 1000;

describe('StreamLagCollector', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let collector: StreamLagCollector;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    collector = new StreamLagCollector(redis, {
      groups: providerFleets(['deepgram', 'whisper'], keys),
      plainStreams: [DEAD_LETTER_STREAM],
      livenessMs: LIVENESS_MS,
      timeoutMs: 2000,
      logger: createLogger('test'),
    });
    collector.start();
  });
  afterAll(async () => {
    collector.stop();
    redis.disconnect();
    await harness.close();
  });

  const scrape = async () => parsePrometheusText(await metricsRegistry.metrics());
  const groupInfo = async (stream: string, group: string) =>
    ((await redis.xinfo('GROUPS', stream)) as unknown[][])
      .map(recordFromPairs)
      .find((g) => g['name'] === group) ?? {};

  it('exports what XINFO GROUPS says for a group with a backlog, in flight work and a dead consumer', async () => {
    await redis.xgroup('CREATE', DEEPGRAM, DEEPGRAM_GROUP, '0', 'MKSTREAM');
    for (let i = 0; i < 25; i++) await redis.xadd(DEEPGRAM, '*', 'chunk_id', `c${i}`);
    // A consumer that took 3 entries and died, and one that is working: 7 delivered, 2 acked.
    await redis.xreadgroup('GROUP', DEEPGRAM_GROUP, 'gone-consumer', 'COUNT', 3, 'STREAMS', DEEPGRAM, '>');
    await redis.zadd(providerHeartbeatKey('deepgram'), Date.now() - 10 * LIVENESS_MS, 'gone-consumer');
    await new Promise((resolve) => setTimeout(resolve, LIVENESS_MS + 200));
    await redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'busy-consumer');
    const delivered = (await redis.xreadgroup(
      'GROUP',
      DEEPGRAM_GROUP,
      'busy-consumer',
      'COUNT',
      7,
      'STREAMS',
      DEEPGRAM,
      '>',
    )) as [string, [string, string[]][]][];
    await redis.xack(DEEPGRAM, DEEPGRAM_GROUP, delivered[0][1][0][0], delivered[0][1][1][0]);
    await redis.xadd(DEAD_LETTER_STREAM, '*', 'chunk_id', 'dead');

    const metrics = await scrape();
    const info = await groupInfo(DEEPGRAM, DEEPGRAM_GROUP);
    const labels = { provider: 'deepgram', stream: DEEPGRAM, group: DEEPGRAM_GROUP };
    expect(sampleValue(metrics, STREAM_METRICS.lag, labels)).toBe(Number(info['lag']));
    expect(sampleValue(metrics, STREAM_METRICS.pending, labels)).toBe(Number(info['pending']));
    expect(sampleValue(metrics, STREAM_METRICS.consumers, labels)).toBe(Number(info['consumers']));
    expect(sampleValue(metrics, STREAM_METRICS.length, { stream: DEEPGRAM })).toBe(
      await redis.xlen(DEEPGRAM),
    );
    expect(sampleValue(metrics, STREAM_METRICS.liveConsumers, labels)).toBe(1);
    expect(sampleValue(metrics, STREAM_METRICS.idlePending, labels)).toBe(3);
    expect(sampleValue(metrics, STREAM_METRICS.length, { stream: DEAD_LETTER_STREAM })).toBe(1);
    // The backlog as set up, so the comparison above is not between two zeros.
    expect([info['lag'], info['pending'], info['consumers']]).toEqual([15, 8, 2]);
  });

  it('follows the stream between scrapes', async () => {
    await redis.xreadgroup('GROUP', DEEPGRAM_GROUP, 'busy-consumer', 'COUNT', 10, 'STREAMS', DEEPGRAM, '>');
    const metrics = await scrape();
    const info = await groupInfo(DEEPGRAM, DEEPGRAM_GROUP);
    expect(sampleValue(metrics, STREAM_METRICS.lag, { group: DEEPGRAM_GROUP })).toBe(Number(info['lag']));
    expect(sampleValue(metrics, STREAM_METRICS.pending, { group: DEEPGRAM_GROUP })).toBe(
      Number(info['pending']),
    );
    expect(info['lag']).toBe(5);
  });

  it('reports a stream whose group does not exist yet by length only, rather than as zero lag', async () => {
    await redis.xadd(providerStream('whisper'), '*', 'chunk_id', 'w1');
    const metrics = await scrape();
    expect(sampleValue(metrics, STREAM_METRICS.length, { stream: providerStream('whisper') })).toBe(1);
    expect(sampleValue(metrics, STREAM_METRICS.lag, { provider: 'whisper' })).toBeUndefined();
  });

  it('answers the scrape without stream gauges, and counts the failure, when Redis hangs', async () => {
    collector.stop();
    // Accepts connections and never answers: a hung Redis, the case a timeout exists for.
    const sockets: Socket[] = [];
    const hung = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const unreachable = new Redis({
      port: (hung.address() as AddressInfo).port,
      host: '127.0.0.1',
      maxRetriesPerRequest: null,
      enableReadyCheck: false,
    });
    const blind = new StreamLagCollector(unreachable, {
      groups: providerFleets(['deepgram'], keys),
      livenessMs: LIVENESS_MS,
      timeoutMs: 200,
      logger: createLogger('test'),
    });
    blind.start();
    try {
      const errorsBefore = sampleValue(await scrape(), STREAM_METRICS.collectErrors) ?? 0;
      const metrics = await scrape();
      expect(sampleValue(metrics, STREAM_METRICS.lag)).toBeUndefined();
      expect(sampleValue(metrics, STREAM_METRICS.collectErrors)).toBe(errorsBefore + 1);
    } finally {
      blind.stop();
      unreachable.disconnect();
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => hung.close(resolve));
      collector.start();
    }
  });
});
