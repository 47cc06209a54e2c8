import type Redis from 'ioredis';
import { pipelineAcrossSlots } from '@streamscribe/redis';
import type { EncodedFields } from '@streamscribe/contracts';

export interface StreamAppend {
  stream: string;
  fields: EncodedFields;
}

/**
 * Appends binary-safe entries to streams. `append` resolves with the entry id once Redis has
 * acknowledged the XADD; `appendMany` sends all entries in one pipeline (one round trip).
 */
export class StreamProducer {
  constructor(private readonly client: Redis) {}

  async append(stream: string, fields: EncodedFields): Promise<string> {
    const id = await this.client.xadd(stream, '*', ...fields);
    if (id === null) throw new Error(`XADD to ${stream} returned no id`);
    return id;
  }

  async appendMany(appends: readonly StreamAppend[]): Promise<string[]> {
    if (appends.length === 0) return [];
    const pipeline = pipelineAcrossSlots(this.client);
    for (const { stream, fields } of appends) pipeline.xadd(stream, '*', ...fields);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, id], index) => {
      if (error) throw new Error(`XADD to ${appends[index].stream} failed: ${error.message}`);
      return id as string;
    });
  }
}
