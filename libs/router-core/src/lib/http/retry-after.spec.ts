import { HttpException } from '@nestjs/common';
import { NotReplicatedError } from '@streamscribe/redis';
import { NotReplicatedRefusal } from '../not-replicated';
import { retryAfterOf } from './retry-after';

describe('retryAfterOf', () => {
  it('answers for refusals that know when to come back, and nothing for others', () => {
    const shortfall = new NotReplicatedError({ replicas: 0, wanted: 1, written: false });
    expect(retryAfterOf(new NotReplicatedRefusal('chunk', shortfall))).toBe(1);
    expect(retryAfterOf(new HttpException('no', 503))).toBeUndefined();
    expect(retryAfterOf(new Error('plain'))).toBeUndefined();
  });
});
