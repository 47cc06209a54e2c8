import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import type Redis from 'ioredis';
import pino from 'pino';
import { Writable } from 'node:stream';
import { aclSetUserArgs, redisAclUser, SINGLE_REDIS } from '@streamscribe/redis';
import { RedisHarness, until } from '@streamscribe/testing';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { ServerRedisStreams } from './server-redis-streams';

/** A provider stream's name, so the worker user's key patterns cover it. */
const STREAM = 'audio:stream:drain-acl';
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

/** A real pino logger whose messages land in an array. */
function recordingLogger() {
  const messages: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      messages.push((JSON.parse(chunk.toString()) as { msg: string }).msg);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), messages };
}

// The reads block for a minute: a close() that returns before this timeout did not wait for one.
jest.setTimeout(40_000);

/**
 * The transport's drain as the worker's ACL user (docs/security.md, securing Redis) runs it: CLIENT UNBLOCK
 * ends the blocked read at once. And as a stricter user without CLIENT ID/UNBLOCK: the read is
 * ended by dropping its connection instead, and the worker says why once.
 */
describe('ServerRedisStreams drain under a least-privilege ACL user', () => {
  const worker = redisAclUser('worker');
  const strict = { ...worker, username: 'strict-worker' };
  strict.commands = worker.commands.filter(
    (c) => !c.startsWith('client|id') && !c.startsWith('client|unblock'),
  );
  let harness: RedisHarness;
  let admin: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start({
      secure: { users: [aclSetUserArgs(worker, 'worker-pw'), aclSetUserArgs(strict, 'strict-pw')] },
    });
    admin = harness.client();
  });
  afterAll(async () => {
    admin?.disconnect();
    await harness?.close();
  });

  async function consumeOneThenClose(username: string, password: string) {
    const { logger, messages } = recordingLogger();
    const server = new ServerRedisStreams({
      url: harness.urlFor(username, password),
      tls: harness.clientTls,
      topology: SINGLE_REDIS,
      groupFor: () => 'drain_workers',
      consumer: `${username}-consumer`,
      blockMs: 60_000,
      drainTimeoutMs: 60_000,
      logger,
    });
    const app: INestMicroservice = await NestFactory.createMicroservice(RecordingModule, {
      strategy: server,
      logger: false,
    });
    await app.listen();
    await admin.xadd(STREAM, '*', 'name', username);
    await until(
      async () => handled,
      (names) => names.includes(username),
    );
    await app.close();
    return messages;
  }

  const deniedTo = async (username: string) =>
    ((await admin.call('ACL', 'LOG')) as unknown[][])
      .map((entry) => entry.map(String))
      .filter((entry) => entry[entry.indexOf('username') + 1] === username)
      .map((entry) => entry[entry.indexOf('object') + 1]);

  it('ends the blocked read with CLIENT UNBLOCK as the worker user, refused nothing', async () => {
    const messages = await consumeOneThenClose(worker.username, 'worker-pw');
    expect(messages).toContain('stopped consuming');
    expect(messages).not.toContain(expect.stringContaining('CLIENT ID refused'));
    expect(await deniedTo(worker.username)).toEqual([]);
  });

  it('still drains without CLIENT ID/UNBLOCK, by dropping the connection, and says so once', async () => {
    const messages = await consumeOneThenClose(strict.username, 'strict-pw');
    expect(messages).toContain('stopped consuming');
    expect(messages.filter((m) => m.startsWith('CLIENT ID refused by the Redis ACL'))).toHaveLength(1);
    expect(await deniedTo(strict.username)).toEqual(['client|id']);
  });
});
