export {
  closeRedis,
  createRedisConnection,
  isClusterClient,
  reconnectDelayMs,
  redisReadinessCheck,
  waitUntilReady,
} from './lib/redis-connection';
export type { RedisConnectionOptions } from './lib/redis-connection';
export { multiAcrossSlots, pipelineAcrossSlots } from './lib/commands-across-slots';
export { isUnavailableReply } from './lib/unavailable-replies';
export { ensureGroup, isMissingStreamOrGroup, isNoGroupError } from './lib/consumer-groups';
export { RedisScript, VariadicKeysScript, defineScript } from './lib/redis-script';
export { TurnBatcher } from './lib/turn-batcher';
export type { ScriptArg, ScriptDefinition } from './lib/redis-script';
export { SCRIPT_STATUSES, asNumber, asScriptStatus, asStringOrNull, asStrings } from './lib/script-replies';
export type { ScriptStatus } from './lib/script-replies';
export { readEvictionVerdict, warnIfRedisMayEvict } from './lib/eviction-policy.check';
export type { EvictionVerdict } from './lib/eviction-policy.check';
export { redisTlsFrom } from './lib/redis-tls';
export type { RedisTlsOptions, RedisTlsSettings } from './lib/redis-tls';
export { aclSetUserArgs, aclSetUserLine, redisAclUser, redisAclUsers } from './lib/acl-users';
export type { RedisAclSelector, RedisAclUser } from './lib/acl-users';
export { SINGLE_REDIS, redisTopologyFrom } from './lib/redis-topology';
export type { RedisNodeAddress, RedisTopology, RedisTopologySettings } from './lib/redis-topology';
export { NotReplicatedError, REDIS_DURABILITY_MODES, ReplicaDurability } from './lib/replica-durability';
export type {
  RedisDurabilityMode,
  ReplicaDurabilitySettings,
  ReplicationReport,
} from './lib/replica-durability';
