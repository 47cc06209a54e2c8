import type Redis from 'ioredis';
import { EncodedFields, fieldsFromFlat } from '@streamscribe/contracts';

export interface ConsumerSeat {
  stream: string;
  group: string;
  consumer: string;
}

/** An entry as the transport hands it to a handler (the streams lib's StreamEntry). */
export interface DeliveredEntry {
  stream: string;
  id: string;
  fields: Map<string, Buffer>;
}

/**
 * Adds an entry to the stream and reads it as `consumer` of the group (so it is pending there), then
 * returns it as the transport hands it to a handler: binary-safe fields, and the arguments of its
 * RedisStreamsContext (delivered `deliveryCount` times). For unit tests of stream handlers without
 * the transport. (The context itself is built by the caller: the streams lib's specs use this lib.)
 */
export async function deliverEntry(
  redis: Redis,
  seat: ConsumerSeat,
  fields: EncodedFields,
  deliveryCount = 1,
): Promise<{ entry: DeliveredEntry; contextArgs: [string, string, string, string, number] }> {
  const id = (await redis.xadd(seat.stream, '*', ...fields)) as string;
  const read = (await redis.xreadgroup(
    'GROUP',
    seat.group,
    seat.consumer,
    'COUNT',
    1,
    'STREAMS',
    seat.stream,
    '>',
  )) as [string, [string, string[]][]][] | null;
  const readId = read?.[0][1][0]?.[0];
  if (readId !== id) {
    throw new Error(
      `deliverEntry read ${readId ?? 'nothing'}, not the entry it added (${id}): is another entry undelivered in ${seat.stream}?`,
    );
  }
  const [[, flat]] = await redis.xrangeBuffer(seat.stream, id, id);
  return {
    entry: { stream: seat.stream, id, fields: fieldsFromFlat(flat) },
    contextArgs: [seat.stream, id, seat.group, seat.consumer, deliveryCount],
  };
}
