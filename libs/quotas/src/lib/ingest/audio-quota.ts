import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { createLogger } from '@streamscribe/observability';
import { quotaKeys, utcDay } from '../quota-keys';
import { QuotaRefusal } from '../quota-refusal';
import { whileQuotaStoreAnswers } from '../quota-store';
import { QuotasEnvironment } from '../quotas-environment';
import { chargeAudioScript } from '../scripts/charge-audio.script';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { QUOTAS_ENVIRONMENT, QUOTAS_REDIS } from '../tokens';

/** A day key outlives its day by this much, so the day just ended can still be read. */
const DAY_KEY_TTL_SECONDS = 2 * 86_400;

/** Audio charged to a tenant's day; refund it when the audio was not queued after all. */
export interface AudioCharge {
  readonly seconds: number;
  /** Gives back the whole charge, or `seconds` of it (a batch whose chunks were not all queued). */
  refund(seconds?: number): Promise<void>;
}

const NOTHING_CHARGED: AudioCharge = { seconds: 0, refund: async () => undefined };

/**
 * Audio seconds per tenant per UTC day, charged before the audio is queued: one script checks
 * and charges, so routers charging at once never take a tenant past its audioSecondsPerDay.
 * Usage is counted (in ms) even for tenants without a limit, for the admin view.
 */
@Injectable()
export class AudioQuota {
  private readonly log = createLogger('audio-quota');

  constructor(
    @Inject(QUOTAS_REDIS) private readonly redis: Redis,
    @Inject(QUOTAS_ENVIRONMENT) private readonly env: QuotasEnvironment,
    private readonly tenants: TenantSettingsService,
  ) {}

  /** Charges `seconds` of audio to the tenant's day, or throws a 429 (`quota_audio_seconds`). */
  async charge(tenant: string, seconds: number, nowMs = Date.now()): Promise<AudioCharge> {
    if (!this.env.QUOTAS_ENABLED || !(seconds > 0)) return NOTHING_CHARGED;
    const { audioSecondsPerDay } = await whileQuotaStoreAnswers(() => this.tenants.settingsFor(tenant));
    const key = quotaKeys.audioDay(tenant, utcDay(nowMs));
    const chargeMs = Math.ceil(seconds * 1000);
    const { charged, usedMs } = await whileQuotaStoreAnswers(() =>
      chargeAudioScript.run(
        this.redis,
        { day: key },
        { chargeMs, limitMs: audioSecondsPerDay * 1000, ttlSeconds: DAY_KEY_TTL_SECONDS },
      ),
    );
    if (!charged)
      throw new QuotaRefusal(
        'audio_seconds',
        tenant,
        `tenant '${tenant}' has used ${Math.floor(usedMs / 1000)} of its ${audioSecondsPerDay} audio seconds today (UTC); ${seconds.toFixed(1)} s more would pass the limit. It resets at 00:00 UTC`,
        secondsToUtcMidnight(nowMs),
      );
    return {
      seconds,
      refund: (part?: number) =>
        this.redis
          .decrby(key, part === undefined ? chargeMs : Math.min(chargeMs, Math.floor(part * 1000)))
          .then(
            () => undefined,
            (error: Error) =>
              this.log.warn({ tenant, err: error.message }, 'audio charge not refunded; the day keeps it'),
          ),
    };
  }

  /** Audio seconds the tenant was charged today (UTC). */
  async usedToday(tenant: string, nowMs = Date.now()): Promise<number> {
    return Number((await this.redis.get(quotaKeys.audioDay(tenant, utcDay(nowMs)))) ?? 0) / 1000;
  }
}

function secondsToUtcMidnight(nowMs: number): number {
  const midnight = new Date(nowMs);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((midnight.getTime() - nowMs) / 1000));
}
