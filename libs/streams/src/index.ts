export { REDIS_STREAMS_TRANSPORT, ServerRedisStreams } from './lib/server/server-redis-streams';
export { StreamHandlerErrorFilter } from './lib/server/stream-handler-error.filter';
export { RedisStreamsContext } from './lib/ctx-host/redis-streams.context';
export type { StreamEntry } from './lib/interfaces/stream-entry.interface';
export type {
  MaintenanceOptions,
  ReclaimOptions,
  RedisStreamsServerOptions,
} from './lib/interfaces/redis-streams-server-options.interface';
export { StreamProducer } from './lib/client/stream-producer';
export type { StreamAppend } from './lib/client/stream-producer';
export { moveEntry } from './lib/client/entry-mover';
export type { EntryMove } from './lib/client/entry-mover';
export { trimAckedScript } from './lib/server/scripts/trim-acked.script';
