export * from './lib/server/server-redis-streams';
export * from './lib/server/consumer-groups';
export * from './lib/ctx-host/redis-streams.context';
export * from './lib/interfaces/stream-entry.interface';
export * from './lib/interfaces/redis-streams-server-options.interface';
export * from './lib/client/stream-producer';
export * from './lib/load/group-load.reader';
export * from './lib/redis/redis-connection';
