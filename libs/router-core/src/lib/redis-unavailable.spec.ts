import { HttpException } from '@nestjs/common';
import { ReplyError } from 'ioredis';
import { whileRedisAnswers } from './redis-unavailable';

const failing = (error: unknown) => whileRedisAnswers(() => Promise.reject(error)).catch((e: unknown) => e);

describe('whileRedisAnswers', () => {
  it('answers 503 for a Redis that is down or refusing for now (a failover under way)', async () => {
    for (const error of [
      new Error('connect ECONNREFUSED 127.0.0.1:6379'),
      new ReplyError('CLUSTERDOWN The cluster is down'),
      new ReplyError("READONLY You can't write against a read only replica."),
    ]) {
      const answered = await failing(error);
      expect(answered).toBeInstanceOf(HttpException);
      expect((answered as HttpException).getStatus()).toBe(503);
      expect((answered as HttpException).getResponse()).toMatchObject({ code: 'redis_unavailable' });
    }
  });

  it('leaves other reply errors as they are (bugs: 500)', async () => {
    const wrongType = new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(await failing(wrongType)).toBe(wrongType);
  });
});
