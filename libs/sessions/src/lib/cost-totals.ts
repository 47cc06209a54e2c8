import type Redis from 'ioredis';
import { KeyScheme } from '@streamscribe/contracts';

export interface ProviderCost {
  usd: number;
  audioSeconds: number;
  chunks: number;
}

export interface CostTotals {
  totalUsd: number;
  byProvider: Record<string, ProviderCost>;
}

/** Reads a cost hash as the write-results script keeps it ('<provider>:micros|audio_ms|chunks'). */
export function costTotalsFrom(hash: Record<string, string>): CostTotals {
  const byProvider: Record<string, ProviderCost> = {};
  let totalMicros = 0;
  for (const [field, value] of Object.entries(hash)) {
    const at = field.lastIndexOf(':');
    if (at < 0) continue;
    const provider = field.slice(0, at);
    const entry = (byProvider[provider] ??= { usd: 0, audioSeconds: 0, chunks: 0 });
    const n = Number(value);
    switch (field.slice(at + 1)) {
      case 'micros':
        entry.usd = n / 1_000_000;
        totalMicros += n;
        break;
      case 'audio_ms':
        entry.audioSeconds = n / 1000;
        break;
      case 'chunks':
        entry.chunks = n;
        break;
    }
  }
  return { totalUsd: totalMicros / 1_000_000, byProvider };
}

/** What every provider's results have cost, across all sessions and partitions, since the last reset. */
export async function readProviderCostTotals(client: Redis, keys: KeyScheme): Promise<CostTotals> {
  return costTotalsFrom(
    await sumHashes(
      client,
      keys.allPartitions().map((k) => keys.providerCostKey(k)),
    ),
  );
}

/** What a tenant's results cost in one month (`YYYY-MM`, UTC), summed across partitions. */
export async function readTenantCostTotals(
  client: Redis,
  keys: KeyScheme,
  tenant: string,
  month: string,
): Promise<CostTotals> {
  return costTotalsFrom(
    await sumHashes(
      client,
      keys.allPartitions().map((k) => keys.tenantCostKey(tenant, month, k)),
    ),
  );
}

/** Integer hashes added field by field (one per partition; read one by one, as Cluster needs). */
async function sumHashes(client: Redis, hashKeys: readonly string[]): Promise<Record<string, string>> {
  const sum: Record<string, number> = {};
  for (const key of hashKeys)
    for (const [field, value] of Object.entries(await client.hgetall(key)))
      sum[field] = (sum[field] ?? 0) + Number(value);
  return Object.fromEntries(Object.entries(sum).map(([field, n]) => [field, String(n)]));
}
