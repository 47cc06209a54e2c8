import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import type { TenantSettingsOverride } from './tenant-settings.service';

/**
 * The body of PUT /v1/admin/tenants/{tenant}: the settings to override, each optional; `null`
 * removes that setting's override (the configured default applies again). 0 means "no limit".
 */
export class TenantSettingsUpdate implements TenantSettingsOverride {
  @IsOptional()
  @IsNumber({}, { message: 'requestsPerSecond must be a number (requests per second; 0 = unlimited)' })
  @Min(0, { message: 'requestsPerSecond must be 0 (unlimited) or more' })
  @Max(1_000_000, { message: 'requestsPerSecond must be at most 1000000' })
  requestsPerSecond?: number | null;

  @IsOptional()
  @IsInt({ message: 'burst must be an integer (requests the bucket holds)' })
  @Min(1, { message: 'burst must be at least 1' })
  @Max(1_000_000, { message: 'burst must be at most 1000000' })
  burst?: number | null;

  @IsOptional()
  @IsInt({ message: 'maxLiveConnections must be an integer (0 = unlimited)' })
  @Min(0, { message: 'maxLiveConnections must be 0 (unlimited) or more' })
  maxLiveConnections?: number | null;

  @IsOptional()
  @IsInt({ message: 'audioSecondsPerDay must be an integer (0 = unlimited)' })
  @Min(0, { message: 'audioSecondsPerDay must be 0 (unlimited) or more' })
  audioSecondsPerDay?: number | null;

  @IsOptional()
  @IsInt({ message: 'spendMicroUsdPerMonth must be an integer, in micro-USD (0 = unlimited)' })
  @Min(0, { message: 'spendMicroUsdPerMonth must be 0 (unlimited) or more' })
  spendMicroUsdPerMonth?: number | null;

  @IsOptional()
  @IsBoolean({ message: 'allowConsensus must be true or false' })
  allowConsensus?: boolean | null;

  @IsOptional()
  @IsBoolean({ message: 'allowHedging must be true or false' })
  allowHedging?: boolean | null;

  @IsOptional()
  @IsInt({ message: 'retentionSeconds must be an integer' })
  @Min(60, { message: 'retentionSeconds must be at least 60' })
  retentionSeconds?: number | null;
}
