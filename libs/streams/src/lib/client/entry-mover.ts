import type Redis from 'ioredis';
import type { EncodedFields } from '@streamscribe/contracts';
import { moveEntryScript } from './scripts/move-entry.script';

export interface EntryMove {
  /** `consumer`: only move when this consumer still holds the entry (its lease was not lost). */
  source: { stream: string; group: string; id: string; consumer?: string };
  target: { stream: string; maxLen?: number };
  fields: EncodedFields;
  /**
   * A set that records where the new entry is ('<target stream> <id>'): the trail of the session
   * the entry belongs to, so deleting the session finds it. Shares the streams' hash tag.
   */
  trail?: string;
}

/**
 * Atomic "XACK here, XADD there": failover to another provider, or into the dead-letter stream.
 * Resolves undefined when nothing moved (the entry is not pending, or not held by `consumer`).
 */
export async function moveEntry(client: Redis, move: EntryMove): Promise<string | undefined> {
  const id = await moveEntryScript.run(
    client,
    { source: move.source.stream, target: move.target.stream, trail: move.trail ?? move.source.stream },
    {
      group: move.source.group,
      entryId: move.source.id,
      targetMaxLen: move.target.maxLen ?? '',
      holder: move.source.consumer ?? '',
      trailed: move.trail ? '1' : '',
    },
    move.fields,
  );
  return id ?? undefined;
}
