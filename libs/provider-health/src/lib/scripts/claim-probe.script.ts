import { asNumber, defineScript } from '@streamscribe/redis';

/**
 * claim-probe — lets one chunk through a breaker whose open period has ended. Of the
 * routers that find it half-open at once, one gets the probe; the others route elsewhere until the
 * probe's outcome closes or reopens it, or the probe times out.
 *
 * Returns 1 when the caller may send its chunk, 0 when not.
 */
export const claimProbeScript = defineScript({
  name: 'ssClaimProbe',
  keys: ['health'],
  args: ['nowMs', 'probeTimeoutMs'],
  lua: `
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'closed' then return 1 end
local now = tonumber(ARGV[1])
if state == 'open' and now < tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0') then return 0 end
if now < tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0') then return 0 end
redis.call('HSET', KEYS[1], 'state', 'half_open', 'probe_until', now + tonumber(ARGV[2]))
return 1
`,
  decode: (reply) => asNumber(reply) === 1,
});
