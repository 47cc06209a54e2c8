import { Controller, Inject, Type, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ProviderName, keySchemeFrom } from '@streamscribe/contracts';
import { RedisStreamsContext, StreamEntry, StreamHandlerErrorFilter } from '@streamscribe/streams';
import { ChunkProcessor } from './chunk-processor';

/**
 * The stream handler of one provider's worker: `audio:stream:<provider>` → ChunkProcessor. It reads
 * partition 0 (reading every partition comes with issue 14's worker transport). The stream's name
 * follows the app's key layout (REDIS_PARTITIONS, REDIS_CLUSTER_NODES: `{0}`-tagged on Cluster),
 * read from the environment here because the pattern is fixed when the module is declared.
 */
export function chunkControllerFor(provider: ProviderName): Type<unknown> {
  @Controller()
  @UseFilters(StreamHandlerErrorFilter)
  class ChunkController {
    constructor(@Inject(ChunkProcessor) private readonly processor: ChunkProcessor) {}

    @EventPattern(keySchemeFrom(process.env).providerStream(provider, 0))
    handle(@Payload() entry: StreamEntry, @Ctx() context: RedisStreamsContext): Promise<void> {
      return this.processor.process(entry, context);
    }
  }
  Object.defineProperty(ChunkController, 'name', {
    value: `${provider[0].toUpperCase()}${provider.slice(1)}ChunkController`,
  });
  return ChunkController;
}
