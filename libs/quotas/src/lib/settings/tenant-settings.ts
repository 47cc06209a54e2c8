import { QuotasEnvironment } from '../quotas-environment';

/** What a tenant may do. For every limit, 0 means "no limit". */
export interface TenantSettings {
  /** Token bucket refill rate, requests per second across every router. */
  requestsPerSecond: number;
  /** Token bucket size. */
  burst: number;
  /** Live feeds (SSE + WebSocket) open at once across every router. */
  maxLiveConnections: number;
  audioSecondsPerDay: number;
  spendMicroUsdPerMonth: number;
  allowConsensus: boolean;
  allowHedging: boolean;
  /** Sessions older than this are deleted by the retention sweep. */
  retentionSeconds: number;
}

export type TenantSettingName = keyof TenantSettings;

const NUMERIC: readonly TenantSettingName[] = [
  'requestsPerSecond',
  'burst',
  'maxLiveConnections',
  'audioSecondsPerDay',
  'spendMicroUsdPerMonth',
  'retentionSeconds',
];
const BOOLEAN: readonly TenantSettingName[] = ['allowConsensus', 'allowHedging'];

/** Every setting's name, in the order the admin API shows them. */
export const TENANT_SETTING_NAMES: readonly TenantSettingName[] = [...NUMERIC, ...BOOLEAN];

export function defaultTenantSettings(env: QuotasEnvironment): TenantSettings {
  return {
    requestsPerSecond: env.QUOTA_REQUESTS_PER_SECOND,
    burst: env.QUOTA_BURST,
    maxLiveConnections: env.QUOTA_MAX_LIVE_CONNECTIONS,
    audioSecondsPerDay: env.QUOTA_AUDIO_SECONDS_PER_DAY,
    spendMicroUsdPerMonth: env.QUOTA_SPEND_MICRO_USD_PER_MONTH,
    allowConsensus: env.QUOTA_ALLOW_CONSENSUS,
    allowHedging: env.QUOTA_ALLOW_HEDGING,
    retentionSeconds: env.SESSION_RETENTION_SECONDS,
  };
}

/**
 * The overrides stored in a tenant's settings hash (field = setting name, value as text). Fields
 * this version does not know, or cannot read, are ignored: the default applies.
 */
export function overridesFromHash(hash: Record<string, string>): Partial<TenantSettings> {
  const overrides: Record<string, number | boolean> = {};
  for (const name of NUMERIC) {
    const value = Number(hash[name]);
    if (hash[name] !== undefined && hash[name] !== '' && Number.isFinite(value)) overrides[name] = value;
  }
  for (const name of BOOLEAN) {
    if (hash[name] === 'true' || hash[name] === 'false') overrides[name] = hash[name] === 'true';
  }
  return overrides as Partial<TenantSettings>;
}

/** Field/value pairs to store for overrides (HSET). */
export function overridesToHash(overrides: Partial<TenantSettings>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(overrides)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([name, value]) => [name, String(value)]),
  );
}
