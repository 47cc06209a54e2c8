import { asNumber, defineScript } from '@streamscribe/redis';

/**
 * renew-live-lease — extends the lease only while it is still this worker's for this epoch and the
 * session was not reassigned meanwhile. Returns 1 when renewed, 0 when the lease is lost (the
 * worker then stops without writing anything more).
 */
export const renewLiveLeaseScript = defineScript({
  name: 'ssRenewLiveLease',
  keys: ['state', 'lease'],
  args: ['epoch', 'holder', 'leaseMs'],
  lua: `
if redis.call('GET', KEYS[2]) ~= ARGV[2] .. ' ' .. ARGV[1] then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'epoch')) ~= tonumber(ARGV[1]) then return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`,
  decode: (reply) => asNumber(reply) === 1,
});

/** release-live-lease — deletes the lease only when it is still this worker's for this epoch. */
export const releaseLiveLeaseScript = defineScript({
  name: 'ssReleaseLiveLease',
  keys: ['lease'],
  args: ['epoch', 'holder'],
  lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[2] .. ' ' .. ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
  decode: (reply) => asNumber(reply) === 1,
});
