import { Injectable } from '@nestjs/common';
import { AudioQuota } from '../ingest/audio-quota';
import { SpendQuota } from '../ingest/spend-quota';
import { LiveConnectionLimiter } from '../live/live-connection.limiter';
import { whileQuotaStoreAnswers } from '../quota-store';
import { TenantSettings } from './tenant-settings';
import { TenantSettingsService } from './tenant-settings.service';

export interface TenantUsage {
  /** Live feeds open across every router. */
  liveConnections: number;
  /** Audio seconds charged today (UTC). */
  audioSecondsToday: number;
  /** Provider spend this month (UTC), in micro-USD (may lag by SPEND_CACHE_MS). */
  spendMicroUsdThisMonth: number;
}

/** What the admin view shows of a tenant: effective settings, its overrides, and usage. */
export interface TenantView {
  tenant: string;
  settings: TenantSettings;
  overrides: Partial<TenantSettings>;
  usage: TenantUsage;
}

@Injectable()
export class TenantViews {
  constructor(
    private readonly tenants: TenantSettingsService,
    private readonly live: LiveConnectionLimiter,
    private readonly audio: AudioQuota,
    private readonly spend: SpendQuota,
  ) {}

  view(tenant: string): Promise<TenantView> {
    return whileQuotaStoreAnswers(async () => {
      const [settings, overrides, liveConnections, audioSecondsToday, spendMicroUsdThisMonth] =
        await Promise.all([
          this.tenants.settingsFor(tenant),
          this.tenants.overridesFor(tenant),
          this.live.liveConnectionsOf(tenant),
          this.audio.usedToday(tenant),
          this.spend.spentThisMonth(tenant),
        ]);
      return {
        tenant,
        settings,
        overrides,
        usage: { liveConnections, audioSecondsToday, spendMicroUsdThisMonth },
      };
    });
  }
}
