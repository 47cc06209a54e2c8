import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import type { Logger } from '@streamscribe/observability';
import { isClusterClient, waitUntilReady } from './redis-connection';

/** What the server's `maxmemory-policy` means for this system's keys. */
export type EvictionVerdict =
  | { kind: 'safe'; policy: string }
  /** allkeys-*: provider streams, their consumer groups and pending lists can be evicted. */
  | { kind: 'evicts-streams'; policy: string }
  /** volatile-*: keys with a TTL (session results, indexes, meta) can go before their TTL. */
  | { kind: 'evicts-sessions'; policy: string }
  /** INFO refused (an ACL without +info, a renamed command): nothing known. */
  | { kind: 'unknown'; reason: string };

/**
 * Reads `maxmemory-policy` and says what it would evict. Never throws. It asks INFO memory, not
 * CONFIG GET: the apps' least-privilege ACL users (docs/security.md, securing Redis) run INFO anyway (the
 * client's ready check does), while CONFIG is an admin command they are not given. On Redis
 * Cluster INFO answers for one node: every primary is asked, and the worst policy counts.
 */
export async function readEvictionVerdict(client: Redis): Promise<EvictionVerdict> {
  let replies: string[];
  try {
    replies = isClusterClient(client) ? await infoOfEveryPrimary(client) : [await client.info('memory')];
  } catch (error) {
    return { kind: 'unknown', reason: (error as Error).message };
  }
  const verdicts = replies.map(verdictOf);
  const rank = { 'evicts-streams': 0, 'evicts-sessions': 1, unknown: 2, safe: 3 } as const;
  return verdicts.sort((a, b) => rank[a.kind] - rank[b.kind])[0];
}

async function infoOfEveryPrimary(client: Redis): Promise<string[]> {
  await waitUntilReady(client, 10_000);
  const primaries = (client as unknown as Cluster).nodes('master');
  if (primaries.length === 0) throw new Error('the cluster client knows no primary yet');
  return Promise.all(primaries.map((node) => node.info('memory')));
}

function verdictOf(reply: string): EvictionVerdict {
  const policy = /^maxmemory_policy:(\S+)/m.exec(reply)?.[1];
  if (policy === undefined) return { kind: 'unknown', reason: 'INFO memory has no maxmemory_policy' };
  if (policy.startsWith('allkeys-')) return { kind: 'evicts-streams', policy };
  if (policy.startsWith('volatile-')) return { kind: 'evicts-sessions', policy };
  return { kind: 'safe', policy };
}

/**
 * Warns at startup when Redis may evict what this system cannot lose. The classic guide advises
 * `allkeys-lru`: under memory pressure Redis would then drop whole provider streams with their
 * consumer groups and pending entries, silently. Run `noeviction` and alert on memory instead
 * (docs/operations.md). A server that refuses INFO (a stricter ACL than docs/security.md's) is reported once.
 */
export async function warnIfRedisMayEvict(client: Redis, log: Logger): Promise<EvictionVerdict> {
  const verdict = await readEvictionVerdict(client);
  const fix = 'set `maxmemory-policy noeviction` and alert on used_memory (docs/operations.md)';
  switch (verdict.kind) {
    case 'evicts-streams':
      log.warn(
        { maxmemoryPolicy: verdict.policy },
        `Redis may evict provider streams, consumer groups and pending entries under memory pressure: ${fix}`,
      );
      break;
    case 'evicts-sessions':
      log.warn(
        { maxmemoryPolicy: verdict.policy },
        `Redis may evict session results and indexes (they carry a TTL) before they expire: ${fix}`,
      );
      break;
    case 'unknown':
      log.info(
        { reason: verdict.reason },
        'maxmemory-policy check skipped: this connection may not run INFO (grant +info to see the warning when eviction is on)',
      );
      break;
    case 'safe':
      break;
  }
  return verdict;
}
