import { ReplyError } from 'ioredis';
import { RedisHarness } from '@streamscribe/testing';
import { isUnavailableReply } from './unavailable-replies';

describe('isUnavailableReply', () => {
  it('knows the replies by which Redis refuses for now, and no others', () => {
    for (const message of [
      'CLUSTERDOWN The cluster is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'LOADING Redis is loading the dataset in memory',
      "READONLY You can't write against a read only replica.",
      'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no',
      'NOREPLICAS Not enough good replicas to write.',
      'BUSY Redis is busy running a script.',
      'MOVED 5649 127.0.0.1:42595',
      'ASK 5649 127.0.0.1:42595',
      "OOM command not allowed when used memory > 'maxmemory'.",
    ])
      expect(isUnavailableReply(new ReplyError(message))).toBe(true);
    for (const error of [
      new ReplyError('ERR wrong number of arguments'),
      new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
      new ReplyError('NOSCRIPT No matching script'),
      new Error('CLUSTERDOWN not a reply'),
      'CLUSTERDOWN',
    ])
      expect(isUnavailableReply(error)).toBe(false);
  });

  it('recognises what a real replica answers to a write', async () => {
    const primary = await RedisHarness.start({ ownServer: true });
    const replica = await RedisHarness.start({ ownServer: true });
    const client = replica.client();
    try {
      await client.replicaof('127.0.0.1', new URL(primary.url).port);
      const refused = await client.set('k', 'v').catch((e: unknown) => e);
      expect(isUnavailableReply(refused)).toBe(true);
    } finally {
      await client.replicaof('NO', 'ONE');
      client.disconnect();
      await replica.close();
      await primary.close();
    }
  });
});
