import {
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import { createLogger } from '@streamscribe/observability';
import { pipelineAcrossSlots } from '@streamscribe/redis';
import { ROUTER_REDIS, TranscriptionRouterService } from '@streamscribe/router-core';
import type { Transcript } from '@streamscribe/sessions';
import { CLAIM_DUE_SCRIPT } from './claim-due.script';
import { WebhookDestinations } from './webhook-destinations';
import { webhookKeys } from './webhook-keys';
import { webhookMetrics } from './webhook-metrics';
import { WebhookSettings, webhookBackoffMs, webhookSettingsFrom } from './webhook-settings';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

/** A tenant's webhook as stored; `secret` is shown once, in the registration's answer. */
export interface WebhookRegistration {
  id: string;
  url: string;
  description?: string;
  createdAt: string;
  secret: string;
}

export type PublicWebhook = Omit<WebhookRegistration, 'secret'>;

export interface WebhookAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** Why the attempt failed without an answer (timeout, connection refused, destination refused). */
  error?: string;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  sessionId: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  createdAt: string;
  /** When the next attempt is due (pending deliveries only). */
  nextAttemptAt?: string;
  attempts: WebhookAttempt[];
}

/** Most webhooks one tenant may register. */
export const MAX_WEBHOOKS_PER_TENANT = 20;
/** Deliveries (and their attempts) are kept this long. */
const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;
/** Transcript text in a payload is cut at this many characters (`textTruncated: true`). */
const MAX_TEXT_CHARS = 64 * 1024;
const CLAIM_BATCH = 50;

function deliveryIdOf(tenant: string, sessionId: string, webhookId: string): string {
  return `dlv_${createHash('sha256').update(`${tenant}\u0000${sessionId}\u0000${webhookId}`).digest('hex').slice(0, 32)}`;
}

/**
 * Tenant completion webhooks: registrations, the completion watch and durable delivery.
 *
 * A completed file or an ended session is put on the `watched` schedule; every WEBHOOK_POLL_MS
 * the router claims watched sessions whose check is due and, once a transcript is complete,
 * queues one delivery per webhook (its id is a hash of tenant, session and webhook: queueing
 * twice queues nothing new). Deliveries wait on the `due` schedule; a claim moves a delivery's
 * score past the attempt's timeout, so a router that dies mid-attempt leaves it due again for any
 * router — the schedule is in Redis, a restart continues it.
 */
@Injectable()
export class WebhookService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly settings: WebhookSettings = webhookSettingsFrom();
  readonly destinations = new WebhookDestinations(this.settings.allowedDestinations);
  private readonly logger = createLogger('webhooks');
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private closed = false;

  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    private readonly router: TranscriptionRouterService,
  ) {
    CLAIM_DUE_SCRIPT.define(redis);
  }

  onApplicationBootstrap(): void {
    if (this.destinations.enabled) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.tick;
  }

  async register(tenant: string, url: string, description?: string) {
    if (!this.destinations.enabled) {
      throw new HttpException(
        { statusCode: 403, code: 'webhooks_disabled', message: this.destinations.problem(url) },
        403,
      );
    }
    const problem = this.destinations.problem(url);
    if (problem)
      throw new HttpException(
        { statusCode: 400, code: 'webhook_destination_not_allowed', message: problem },
        400,
      );
    const existing = await this.redis.hgetall(webhookKeys.registrations(tenant));
    if (Object.keys(existing).length >= MAX_WEBHOOKS_PER_TENANT)
      throw new HttpException(
        {
          statusCode: 409,
          code: 'too_many_webhooks',
          message: `a tenant may register at most ${MAX_WEBHOOKS_PER_TENANT} webhooks`,
        },
        409,
      );
    const registration: WebhookRegistration = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      url,
      ...(description ? { description } : {}),
      createdAt: new Date().toISOString(),
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
    };
    await this.redis.hset(webhookKeys.registrations(tenant), registration.id, JSON.stringify(registration));
    return registration;
  }

  async list(tenant: string): Promise<PublicWebhook[]> {
    const all = await this.redis.hgetall(webhookKeys.registrations(tenant));
    return Object.values(all)
      .map((json) => publicWebhook(JSON.parse(json) as WebhookRegistration))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async get(tenant: string, id: string): Promise<PublicWebhook> {
    return publicWebhook(await this.registration(tenant, id));
  }

  async remove(tenant: string, id: string): Promise<{ id: string; deleted: true }> {
    const removed = await this.redis.hdel(webhookKeys.registrations(tenant), id);
    if (!removed) throw new NotFoundException(`no webhook '${id}'`);
    return { id, deleted: true };
  }

  /** A webhook's deliveries, newest first, with every attempt. */
  async deliveries(tenant: string, id: string, limit = 50): Promise<WebhookDelivery[]> {
    await this.registration(tenant, id);
    const ids = (await this.redis.zrange(
      webhookKeys.deliveriesOf(tenant, id),
      '+inf',
      '-inf',
      'BYSCORE',
      'REV',
      'LIMIT',
      0,
      limit,
    )) as string[];
    const pipeline = pipelineAcrossSlots(this.redis);
    for (const deliveryId of ids) pipeline.hgetall(webhookKeys.delivery(deliveryId));
    const replies = (await pipeline.exec()) ?? [];
    return replies
      .map(([, fields]) => fields as Record<string, string>)
      .filter((fields) => fields && fields['id'])
      .map(deliveryView);
  }

  /**
   * A file or session of `tenant` will complete (or has): check it until its transcript is
   * complete, then deliver it to the tenant's webhooks. Nothing when the tenant has none.
   */
  async watch(tenant: string, sessionId: string): Promise<void> {
    if (!this.destinations.enabled) return;
    if (!(await this.redis.exists(webhookKeys.registrations(tenant)))) return;
    await this.redis.zadd(webhookKeys.watched(), 'NX', Date.now(), `${tenant}:${sessionId}`);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.tick = this.runOnce()
        .catch((error: Error) => this.logger.warn({ err: error.message }, 'webhook round failed; retrying'))
        .finally(() => this.schedule());
    }, this.settings.pollMs);
  }

  /** One round: completed sessions become deliveries, due deliveries are attempted. */
  async runOnce(): Promise<void> {
    await this.checkWatched();
    await this.attemptDue();
  }

  private async checkWatched(): Promise<void> {
    const now = Date.now();
    // A claimed session not complete yet is checked again when its lease runs out.
    const members = await CLAIM_DUE_SCRIPT.run(
      this.redis,
      { schedule: webhookKeys.watched() },
      { now, lease_until: now + Math.max(this.settings.pollMs, 250), limit: CLAIM_BATCH },
    );
    for (const member of members) {
      const at = member.indexOf(':');
      const tenant = member.slice(0, at);
      const sessionId = member.slice(at + 1);
      let transcript: Transcript;
      try {
        transcript = await this.router.transcript(tenant, sessionId);
      } catch (error) {
        if (error instanceof NotFoundException) await this.redis.zrem(webhookKeys.watched(), member);
        else throw error;
        continue;
      }
      if (!transcript.complete) continue;
      await this.queueDeliveries(tenant, transcript);
      await this.redis.zrem(webhookKeys.watched(), member);
    }
  }

  /** One delivery per webhook of the tenant for this completion; queueing again adds nothing. */
  private async queueDeliveries(tenant: string, transcript: Transcript): Promise<void> {
    const webhooks = Object.values(await this.redis.hgetall(webhookKeys.registrations(tenant))).map(
      (json) => JSON.parse(json) as WebhookRegistration,
    );
    for (const webhook of webhooks) {
      const id = deliveryIdOf(tenant, transcript.sessionId, webhook.id);
      const key = webhookKeys.delivery(id);
      const now = Date.now();
      const status = await this.redis.hget(key, 'status');
      if (status === null) {
        const createdAt = new Date(now).toISOString();
        const body = JSON.stringify(payloadOf(id, webhook.id, tenant, transcript, createdAt));
        await this.redis
          .multi()
          .hset(key, {
            id,
            webhookId: webhook.id,
            tenant,
            sessionId: transcript.sessionId,
            event: 'transcription.completed',
            status: 'pending',
            createdAt,
            nextAttemptAt: createdAt,
            attempts: '[]',
            body,
          })
          .expire(key, DELIVERY_TTL_SECONDS)
          .exec();
        const list = webhookKeys.deliveriesOf(tenant, webhook.id);
        await this.redis.zadd(list, now, id);
        // The list forgets deliveries whose records expired.
        await this.redis.zremrangebyscore(list, '-inf', now - DELIVERY_TTL_SECONDS * 1000);
        await this.redis.expire(list, DELIVERY_TTL_SECONDS);
        webhookMetrics.queued.inc();
      } else if (status !== 'pending') {
        continue;
      }
      // NX: a delivery already waiting (or being attempted) keeps its time.
      await this.redis.zadd(webhookKeys.due(), 'NX', now, id);
    }
  }

  private async attemptDue(): Promise<void> {
    const now = Date.now();
    const ids = await CLAIM_DUE_SCRIPT.run(
      this.redis,
      { schedule: webhookKeys.due() },
      { now, lease_until: now + this.settings.timeoutMs + 5000, limit: CLAIM_BATCH },
    );
    await Promise.all(ids.map((id) => this.attempt(id)));
  }

  private async attempt(id: string): Promise<void> {
    const key = webhookKeys.delivery(id);
    const fields = await this.redis.hgetall(key);
    if (!fields['id'] || fields['status'] !== 'pending') {
      await this.redis.zrem(webhookKeys.due(), id);
      return;
    }
    const attempts = JSON.parse(fields['attempts'] ?? '[]') as WebhookAttempt[];
    const number = attempts.length + 1;
    const started = Date.now();
    const record: WebhookAttempt = { attempt: number, at: new Date(started).toISOString(), durationMs: 0 };
    const json = await this.redis.hget(webhookKeys.registrations(fields['tenant']), fields['webhookId']);
    const webhook = json ? (JSON.parse(json) as WebhookRegistration) : undefined;
    const problem = webhook ? this.destinations.problem(webhook.url) : 'the webhook was deleted';
    let final = false;
    if (!webhook || problem) {
      record.error = problem ?? 'refused';
      webhookMetrics.attempts.inc({ outcome: 'refused' });
      final = true;
    } else {
      const body = fields['body'];
      try {
        const response = await fetch(webhook.url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(this.settings.timeoutMs),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'streamscribe-webhooks/1',
            'streamscribe-event': fields['event'],
            'streamscribe-delivery': id,
            [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(webhook.secret, body, Math.floor(Date.now() / 1000)),
          },
          body,
        });
        await response.arrayBuffer().catch(() => undefined);
        record.status = response.status;
      } catch (error) {
        record.error = (error as Error).name === 'TimeoutError' ? 'timed out' : describe(error);
      }
      webhookMetrics.attempts.inc({
        outcome:
          record.status === undefined ? 'network_error' : ok(record.status) ? 'delivered' : 'http_error',
      });
    }
    record.durationMs = Date.now() - started;
    attempts.push(record);
    const delivered = record.status !== undefined && ok(record.status);
    const failed = !delivered && (final || number >= this.settings.maxAttempts);
    if (delivered || failed) {
      await this.redis.hset(key, {
        attempts: JSON.stringify(attempts),
        status: delivered ? 'delivered' : 'failed',
        nextAttemptAt: '',
      });
      await this.redis.zrem(webhookKeys.due(), id);
      webhookMetrics.deliveries.inc({ result: delivered ? 'delivered' : 'failed' });
      if (failed)
        this.logger.warn(
          { delivery: id, webhook: fields['webhookId'], attempts: number },
          'webhook delivery failed for good',
        );
      return;
    }
    const next = Date.now() + webhookBackoffMs(this.settings, number);
    await this.redis.hset(key, {
      attempts: JSON.stringify(attempts),
      nextAttemptAt: new Date(next).toISOString(),
    });
    await this.redis.zadd(webhookKeys.due(), 'XX', next, id);
  }

  private async registration(tenant: string, id: string): Promise<WebhookRegistration> {
    const json = await this.redis.hget(webhookKeys.registrations(tenant), id);
    if (!json) throw new NotFoundException(`no webhook '${id}'`);
    return JSON.parse(json) as WebhookRegistration;
  }
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function publicWebhook({ secret: _secret, ...rest }: WebhookRegistration): PublicWebhook {
  return rest;
}

function deliveryView(fields: Record<string, string>): WebhookDelivery {
  return {
    id: fields['id'],
    webhookId: fields['webhookId'],
    sessionId: fields['sessionId'],
    event: fields['event'],
    status: fields['status'] as WebhookDelivery['status'],
    createdAt: fields['createdAt'],
    ...(fields['nextAttemptAt'] ? { nextAttemptAt: fields['nextAttemptAt'] } : {}),
    attempts: JSON.parse(fields['attempts'] ?? '[]') as WebhookAttempt[],
  };
}

/** What a completion delivery POSTs (see docs/api/webhooks.md). */
export function payloadOf(
  deliveryId: string,
  webhookId: string,
  tenant: string,
  transcript: Transcript,
  createdAt: string,
) {
  const truncated = transcript.text.length > MAX_TEXT_CHARS;
  return {
    id: deliveryId,
    type: 'transcription.completed',
    createdAt,
    webhookId,
    data: {
      tenant,
      sessionId: transcript.sessionId,
      kind: transcript.split ? 'file' : 'session',
      chunkCount: transcript.chunkCount,
      resultCount: transcript.resultCount,
      failedCount: transcript.failedCount,
      text: truncated ? transcript.text.slice(0, MAX_TEXT_CHARS) : transcript.text,
      textTruncated: truncated,
      cost: transcript.cost,
      transcriptUrl: `/v1/sessions/${transcript.sessionId}/transcript`,
    },
  };
}
