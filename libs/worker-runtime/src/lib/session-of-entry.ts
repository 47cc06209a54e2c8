import { AudioChunkEntry, KeyScheme, SessionRef, tenantOf } from '@streamscribe/contracts';
import type { RedisStreamsContext } from '@streamscribe/streams';

/**
 * The session a chunk entry belongs to: the entry's tenant (absent on a classic entry: the default
 * tenant) and session id, in the partition of the stream it was read from. The partition comes
 * from the stream, not from KeyScheme.partitionOf: every producer (router, failover, hedge,
 * re-drive) queues a chunk on its session's partition, and a consensus hypothesis's correlation
 * session lives in its parent session's partition, which partitionOf of its own id would not give.
 */
export function sessionOfEntry(
  keys: KeyScheme,
  chunk: Pick<AudioChunkEntry, 'tenant' | 'sessionId'>,
  context: Pick<RedisStreamsContext, 'getStream'>,
): SessionRef {
  return {
    tenant: tenantOf(chunk),
    sessionId: chunk.sessionId,
    partition: keys.partitionOfKey(context.getStream()),
  };
}
