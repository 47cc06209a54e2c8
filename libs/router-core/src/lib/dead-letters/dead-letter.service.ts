import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  DEAD_LETTER_STREAM,
  DeadLetter,
  DeadLetterListQuery,
  RedriveRequest,
  chunkWireFrom,
} from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { DeadLetterPage, DeadLetterStore, RedriveOutcome } from '@streamscribe/fleet';
import { whileRedisAnswers } from '../redis-unavailable';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';

/** The dead-letter endpoints: list letters, look at one, re-drive some or all. */
@Injectable()
export class DeadLetterService {
  private readonly store: DeadLetterStore;
  private readonly log = createLogger('dead-letters');

  constructor(@Inject(ROUTER_REDIS) redis: Redis, @Inject(ROUTER_ENVIRONMENT) env: RouterEnvironment) {
    this.store = new DeadLetterStore(redis, DEAD_LETTER_STREAM, chunkWireFrom(env));
  }

  list(query: DeadLetterListQuery): Promise<DeadLetterPage> {
    return whileRedisAnswers(() => this.store.list(query));
  }

  get(id: string): Promise<DeadLetter | undefined> {
    return whileRedisAnswers(() => this.store.get(id));
  }

  async redrive(request: RedriveRequest): Promise<{ requeued: number; outcomes: RedriveOutcome[] }> {
    if (!request.all && !request.ids?.length) {
      throw new BadRequestException('name the letters to re-drive in "ids", or set "all": true');
    }
    if (request.all && request.ids?.length)
      throw new BadRequestException('give either "ids" or "all", not both');
    const outcomes = await whileRedisAnswers(() =>
      request.all
        ? this.store.redriveAll({ provider: request.provider, limit: request.limit })
        : this.store.redrive(request.ids ?? [], request.provider),
    );
    const requeued = outcomes.filter((o) => o.status === 'requeued').length;
    this.log.info(
      { requeued, skipped: outcomes.length - requeued, provider: request.provider },
      'dead letters re-driven',
    );
    return { requeued, outcomes };
  }
}
