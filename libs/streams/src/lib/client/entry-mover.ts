import type Redis from 'ioredis';
import type { EncodedFields } from '@streamscribe/contracts';
import { RedisScript } from '../redis/redis-script';
import { MOVE_ENTRY_LUA } from './scripts/move-entry-2.lua';

const moveEntryScript = new RedisScript('ssMoveEntry', 2, MOVE_ENTRY_LUA);

export interface EntryMove {
  /** `consumer`: only move when this consumer still holds the entry (its lease was not lost). */
  source: { stream: string; group: string; id: string; consumer?: string };
  target: { stream: string; maxLen?: number };
  fields: EncodedFields;
}

/**
 * Atomic "XACK here, XADD there": failover to another provider, or into the dead-letter stream.
 * Resolves undefined when nothing moved (the entry is not pending, or not held by `consumer`).
 */
export async function moveEntry(client: Redis, move: EntryMove): Promise<string | undefined> {
  const id = await moveEntryScript.run(
    client,
    [move.source.stream, move.target.stream],
    [move.source.group, move.source.id, move.target.maxLen ?? '', move.source.consumer ?? '', ...move.fields],
  );
  return typeof id === 'string' ? id : undefined;
}
