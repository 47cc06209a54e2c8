import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  DeadLetter,
  DeadLetterListQuery,
  KeyScheme,
  RedriveRequest,
  chunkWireFrom,
} from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { DeadLetterPage, DeadLetterStore, RedriveOutcome } from '@streamscribe/fleet';
import { whileRedisAnswers } from '../redis-unavailable';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';

/**
 * The dead-letter endpoints: list letters, look at one, re-drive some or all. `tenant` limits each
 * to one tenant's letters (another tenant's letter is not found); undefined: every tenant's (admin).
 */
@Injectable()
export class DeadLetterService {
  private readonly store: DeadLetterStore;
  private readonly log = createLogger('dead-letters');

  constructor(
    @Inject(ROUTER_REDIS) redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) env: RouterEnvironment,
    keys: KeyScheme,
  ) {
    this.store = new DeadLetterStore(redis, keys, chunkWireFrom(env));
  }

  list(query: DeadLetterListQuery, tenant?: string): Promise<DeadLetterPage> {
    return whileRedisAnswers(() => this.store.list({ count: query.count, after: query.after, tenant }));
  }

  get(id: string, tenant?: string): Promise<DeadLetter | undefined> {
    return whileRedisAnswers(() => this.store.get(id, tenant));
  }

  async redrive(
    request: RedriveRequest,
    tenant?: string,
  ): Promise<{ requeued: number; outcomes: RedriveOutcome[] }> {
    if (!request.all && !request.ids?.length) {
      throw new BadRequestException('name the letters to re-drive in "ids", or set "all": true');
    }
    if (request.all && request.ids?.length)
      throw new BadRequestException('give either "ids" or "all", not both');
    const outcomes = await whileRedisAnswers(() =>
      request.all
        ? this.store.redriveAll({ provider: request.provider, limit: request.limit, tenant })
        : this.store.redrive(request.ids ?? [], request.provider, tenant),
    );
    const requeued = outcomes.filter((o) => o.status === 'requeued').length;
    this.log.info(
      { requeued, skipped: outcomes.length - requeued, provider: request.provider },
      'dead letters re-driven',
    );
    return { requeued, outcomes };
  }
}
