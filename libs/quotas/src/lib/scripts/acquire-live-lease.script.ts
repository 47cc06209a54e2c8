import { asStrings, defineScript } from '@streamscribe/redis';
import { luaNowMs } from './redis-clock';

/**
 * acquire-live-lease — admits one live connection of a tenant if fewer than `limit` are open
 * across every router. Open connections are a sorted set of lease id → expiry; expired leases
 * (their router crashed, or lost Redis, and stopped renewing) are dropped first, so they never
 * hold a place for long.
 *
 * Returns { acquired (1/0), live leases after this call }.
 */
export const acquireLiveLeaseScript = defineScript({
  name: 'ssQuotaAcquireLiveLease',
  keys: ['leases'],
  args: [
    'leaseId',
    'limit', // 0 = no limit
    'leaseMs',
    'nowMs', // '' = Redis TIME
  ],
  lua: `
${luaNowMs(4)}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local live = redis.call('ZCARD', KEYS[1])
local limit = tonumber(ARGV[2])
if limit > 0 and live >= limit then return {0, live} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return {1, live + 1}
`,
  decode: (reply) => {
    const [acquired, live] = asStrings(reply);
    return { acquired: acquired === '1', live: Number(live) };
  },
});
