import { Controller, Inject, Type, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { validateEnvironment } from '@streamscribe/config';
import { KeyScheme, KeySchemeSettings, ProviderName, keySchemeFrom } from '@streamscribe/contracts';
import { RedisStreamsContext, StreamEntry, StreamHandlerErrorFilter } from '@streamscribe/streams';
import { ChunkProcessor } from './chunk-processor';

/**
 * The stream handler of one provider's worker: every partition of `audio:stream:<provider>`
 * (`audio:stream:<provider>` itself with one partition on one server; `…:{k}` for each k
 * otherwise) → ChunkProcessor. The transport reads each partition with its own blocking read.
 * The key scheme is needed here, when the class is made: Nest reads the patterns from its
 * decorators.
 */
export function chunkControllerFor(provider: ProviderName, keys: KeyScheme): Type<unknown> {
  const streams = keys.allPartitions().map((partition) => keys.providerStream(provider, partition));

  @Controller()
  @UseFilters(StreamHandlerErrorFilter)
  class ChunkController {
    constructor(@Inject(ChunkProcessor) private readonly processor: ChunkProcessor) {}

    @EventPattern(streams)
    handle(@Payload() entry: StreamEntry, @Ctx() context: RedisStreamsContext): Promise<void> {
      return this.processor.process(entry, context);
    }
  }
  Object.defineProperty(ChunkController, 'name', {
    value: `${provider[0].toUpperCase()}${provider.slice(1)}ChunkController`,
  });
  return ChunkController;
}

/**
 * The key scheme the worker will run with, from its settings as ConfigModule validates them (the
 * same process.env, read when the module is made). Invalid settings give the classic scheme here:
 * ConfigModule then refuses to start the app, naming every bad variable.
 */
export function keySchemeAtStart(environment: new () => KeySchemeSettings): KeyScheme {
  try {
    return keySchemeFrom(validateEnvironment(environment, process.env));
  } catch {
    return keySchemeFrom();
  }
}
