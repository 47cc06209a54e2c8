import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  DEAD_LETTER_STREAM,
  DeadLetter,
  DeadLetterListQuery,
  ProviderName,
  RedriveRequest,
  chunkWireFrom,
} from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { DeadLetterPage, DeadLetterStore, RedriveOutcome, RedriveRefusal } from '@streamscribe/fleet';
import { apiError } from '../http/api-error';
import { whileRedisAnswers } from '../redis-unavailable';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';

/** The dead-letter endpoints: list letters, look at one, re-drive some or all. */
@Injectable()
export class DeadLetterService {
  private readonly store: DeadLetterStore;
  private readonly log = createLogger('dead-letters');

  constructor(@Inject(ROUTER_REDIS) redis: Redis, @Inject(ROUTER_ENVIRONMENT) env: RouterEnvironment) {
    this.store = new DeadLetterStore(redis, DEAD_LETTER_STREAM, chunkWireFrom(env), {
      livenessMs: env.CONSUMER_LIVENESS_MS,
    });
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
    // A named target that cannot read the letters is refused before any letter moves.
    const refusal = request.provider
      ? await whileRedisAnswers(() => this.store.refusalFor(request.provider as ProviderName))
      : undefined;
    if (refusal) throw redriveRefused(refusal, request.provider as ProviderName);
    const outcomes = await whileRedisAnswers(() =>
      request.all
        ? this.store.redriveAll({ provider: request.provider, limit: request.limit })
        : this.store.redrive(request.ids ?? [], request.provider),
    );
    const requeued = outcomes.filter((o) => o.status === 'requeued').length;
    // Letters going back where they came from: refused as a whole when none could go.
    const refused = outcomes.find((o) => o.status === 'no_consumer_group' || o.status === 'no_live_worker');
    if (requeued === 0 && refused?.provider)
      throw redriveRefused(refused.status as RedriveRefusal, refused.provider);
    this.log.info(
      { requeued, skipped: outcomes.length - requeued, provider: request.provider },
      'dead letters re-driven',
    );
    return { requeued, outcomes };
  }
}

function redriveRefused(refusal: RedriveRefusal, provider: ProviderName) {
  return refusal === 'no_consumer_group'
    ? apiError(
        409,
        'redrive_no_consumer_group',
        `${provider} has no consumer group on its stream, so nothing would read the letters: start worker-${provider} first; the letters stay dead-lettered`,
      )
    : apiError(
        409,
        'redrive_no_live_worker',
        `${provider} has no live worker, so the letters would wait unread: start worker-${provider} or re-drive to another provider; the letters stay dead-lettered`,
      );
}
