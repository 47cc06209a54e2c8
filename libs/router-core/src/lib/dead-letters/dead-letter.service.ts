import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  DeadLetter,
  DeadLetterListQuery,
  KeyScheme,
  ProviderName,
  RedriveRequest,
  chunkWireFrom,
} from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import {
  AmbiguousDeadLetterId,
  DeadLetterPage,
  DeadLetterStore,
  RedriveOutcome,
  RedriveRefusal,
} from '@streamscribe/fleet';
import { apiError } from '../http/api-error';
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
    this.store = new DeadLetterStore(redis, keys, chunkWireFrom(env), {
      livenessMs: env.CONSUMER_LIVENESS_MS,
    });
  }

  list(query: DeadLetterListQuery, tenant?: string): Promise<DeadLetterPage> {
    return whileRedisAnswers(() => this.store.list({ count: query.count, after: query.after, tenant }));
  }

  /** 409 `ambiguous_dead_letter_id` for an id without a partition that two partitions' letters have. */
  get(id: string, tenant?: string): Promise<DeadLetter | undefined> {
    return whileRedisAnswers(() =>
      this.store.get(id, tenant).catch((error: unknown) => {
        throw error instanceof AmbiguousDeadLetterId
          ? apiError(409, 'ambiguous_dead_letter_id', error.message)
          : error;
      }),
    );
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
    // A named target that cannot read the letters is refused before any letter moves.
    const refusal = request.provider
      ? await whileRedisAnswers(() => this.store.refusalFor(request.provider as ProviderName))
      : undefined;
    if (refusal) throw redriveRefused(refusal, request.provider as ProviderName);
    const outcomes = await whileRedisAnswers(() =>
      request.all
        ? this.store.redriveAll({ provider: request.provider, limit: request.limit, tenant })
        : this.store.redrive(request.ids ?? [], request.provider, tenant),
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
