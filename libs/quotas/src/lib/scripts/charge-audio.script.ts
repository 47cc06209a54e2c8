import { asStrings, defineScript } from '@streamscribe/redis';

/**
 * charge-audio — charges audio to a tenant's day, or refuses it, in one step: of the routers
 * charging at once, the ones whose charge would take the day past its limit are refused and
 * charge nothing. A charge of 0 only reads the day's total.
 *
 * Returns { charged (1/0), the day's total in ms after this call }.
 */
export const chargeAudioScript = defineScript({
  name: 'ssQuotaChargeAudio',
  keys: ['day'],
  args: [
    'chargeMs', // ≥ 0
    'limitMs', // 0 = no limit
    'ttlSeconds', // the day key outlives its day by this much
  ],
  lua: `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local charge = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if limit > 0 and charge > 0 and used + charge > limit then return {0, used} end
if charge == 0 then return {1, used} end
used = redis.call('INCRBY', KEYS[1], charge)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, used}
`,
  decode: (reply) => {
    const [charged, usedMs] = asStrings(reply);
    return { charged: charged === '1', usedMs: Number(usedMs) };
  },
});
