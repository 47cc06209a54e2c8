import { SINGLE_REDIS } from '@streamscribe/redis';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { createLogger } from '@streamscribe/observability';
import { RedisHarness, until } from '@streamscribe/testing';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { RedisStreamsConnection, RedisStreamsStatus } from './connection-events';
import { ServerRedisStreams } from './server-redis-streams';

const STREAM = 'status:stream';
const handled: string[] = [];

@Controller()
class RecordingHandler {
  @EventPattern(STREAM)
  handle(@Payload() entry: StreamEntry) {
    handled.push(entry.fields.get('name')?.toString() as string);
  }
}

@Module({ controllers: [RecordingHandler] })
class RecordingModule {}

// Stops and restarts redis-server: real reconnects on a loaded machine take a while.
jest.setTimeout(60_000);

describe('ServerRedisStreams connection status', () => {
  let harness: RedisHarness;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
  });
  afterAll(async () => {
    await app?.close();
    await harness.close();
  });

  it('publishes connected, reconnecting while Redis is down, connected once back; on() hears every connection; close() stays prompt after reconnects', async () => {
    const server = new ServerRedisStreams({
      url: harness.url,
      tls: undefined,
      topology: SINGLE_REDIS,
      groupFor: () => 'status_workers',
      consumer: 'status-consumer',
      blockMs: 60_000,
      drainTimeoutMs: 60_000,
      logger: createLogger('test'),
    });
    const statuses: RedisStreamsStatus[] = [];
    server.status.subscribe((status) => statuses.push(status));
    const heard = new Set<string>();
    // Registered before listen: applied to the connections as they open.
    server.on('reconnecting', (connection: RedisStreamsConnection) =>
      heard.add(`reconnecting ${connection}`),
    );
    app = await NestFactory.createMicroservice(RecordingModule, { strategy: server, logger: false });
    await app.listen();
    await until(
      async () => statuses.at(-1),
      (status) => status === 'connected',
    );
    // Registered after listen: applied to the connections already open.
    server.on('ready', (connection: RedisStreamsConnection) => heard.add(`ready ${connection}`));

    await harness.stop();
    await until(
      async () => statuses.at(-1),
      (status) => status === 'reconnecting',
    );
    await harness.restart();
    await until(
      async () => statuses.at(-1),
      (status) => status === 'connected',
    );

    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
    expect([...heard].sort()).toEqual([
      'ready commands',
      'ready reader',
      'reconnecting commands',
      'reconnecting reader',
    ]);
    // Redis came back empty (no persistence): the group is recreated and consuming goes on.
    const producer = harness.client();
    await producer.xadd(STREAM, '*', 'name', 'after restart');
    producer.disconnect();
    await until(
      async () => handled,
      (names) => names.includes('after restart'),
    );
    // The reader's connection is killed and comes back with a new client id (ids only grow):
    // close() still ends its minute-long blocked read at once, so it uses the new one.
    const admin = harness.client();
    const clients = (await admin.call('CLIENT', 'LIST')) as string;
    const readerLine = clients.split('\n').find((line) => line.includes('name=status-consumer:reader'));
    await admin.client('KILL', 'ID', readerLine?.match(/^id=(\d+)/)?.[1] as string);
    await until(
      async () => statuses.length,
      (count) => count === 5,
    );
    await admin.xadd(STREAM, '*', 'name', 'after kill');
    admin.disconnect();
    await until(
      async () => handled,
      (names) => names.includes('after kill'),
    );
    expect(statuses.slice(3)).toEqual(['reconnecting', 'connected']);
    const closed = app.close().then(() => 'closed');
    app = undefined;
    let timer: NodeJS.Timeout | undefined;
    const stillBlocked = new Promise<string>(
      (resolve) => (timer = setTimeout(() => resolve('still blocked'), 20_000)),
    );
    expect(await Promise.race([closed, stillBlocked])).toBe('closed');
    clearTimeout(timer);
  });
});
