import { Inject, Injectable } from '@nestjs/common';
import { countRefusal, QuotaRefusal } from '../quota-refusal';
import { whileQuotaStoreAnswers } from '../quota-store';
import { QuotasEnvironment } from '../quotas-environment';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { QUOTAS_ENVIRONMENT } from '../tokens';
import { AudioCharge, AudioQuota } from './audio-quota';
import { SpendQuota } from './spend-quota';

export interface IngestRequest {
  /** Seconds of audio about to be queued (a chunk's, or a whole file's). */
  audioSeconds: number;
  /** Whether it asks for consensus (each chunk to several providers). */
  consensus: boolean;
}

/**
 * What audio must pass before it is queued, cheapest check first: consensus allowed by the
 * tenant's settings (403), month-to-date spend under budget (402), then the day's audio seconds,
 * charged as they are checked (429). The caller refunds the charge if it then queues nothing.
 */
@Injectable()
export class IngestQuota {
  constructor(
    @Inject(QUOTAS_ENVIRONMENT) private readonly env: QuotasEnvironment,
    private readonly tenants: TenantSettingsService,
    private readonly spend: SpendQuota,
    private readonly audio: AudioQuota,
  ) {}

  async admit(tenant: string, request: IngestRequest): Promise<AudioCharge> {
    if (this.env.QUOTAS_ENABLED && request.consensus) {
      const { allowConsensus } = await whileQuotaStoreAnswers(() => this.tenants.settingsFor(tenant));
      if (!allowConsensus)
        throw new QuotaRefusal(
          'consensus_not_allowed',
          tenant,
          `consensus is not allowed for tenant '${tenant}' (it sends every chunk to several providers): drop ?consensus=, or ask an operator to set allowConsensus`,
        );
    }
    await this.spend.assertWithinBudget(tenant);
    return this.audio.charge(tenant, request.audioSeconds);
  }

  /** Whether a hedge (a second provider for a late chunk) may be sent for the tenant; counts a refusal when not. */
  async hedgingAllowed(tenant: string): Promise<boolean> {
    if (!this.env.QUOTAS_ENABLED) return true;
    const { allowHedging } = await this.tenants.settingsFor(tenant);
    if (!allowHedging) countRefusal('hedging_not_allowed', tenant);
    return allowHedging;
  }
}
