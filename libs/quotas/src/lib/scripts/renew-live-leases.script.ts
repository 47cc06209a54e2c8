import { asNumber, defineScript } from '@streamscribe/redis';
import { luaNowMs } from './redis-clock';

/**
 * renew-live-leases — pushes back the expiry of the given leases of one tenant (the connections
 * this router still holds open), drops expired ones, and counts what is live. A lease that had
 * expired meanwhile (Redis was out of reach) is put back: its connection is still open. With no
 * lease ids it only counts.
 *
 * Returns the number of live leases.
 */
export const renewLiveLeasesScript = defineScript({
  name: 'ssQuotaRenewLiveLeases',
  keys: ['leases'],
  args: [
    'leaseMs',
    'nowMs', // '' = Redis TIME
  ],
  rest: 'the lease ids to renew',
  lua: `
${luaNowMs(2)}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local expiry = now + tonumber(ARGV[1])
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], expiry, ARGV[i]) end
local live = redis.call('ZCARD', KEYS[1])
if live > 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2) end
return live
`,
  decode: asNumber,
});
