import { asStrings, defineScript } from '@streamscribe/redis';

/**
 * renew-leases — resets the idle time of entries this consumer is still working on, so a
 * peer's reclaim sweep (which takes entries idle past its min-idle time) never takes a chunk whose
 * owner is alive but slow. Only entries still owned by this consumer are touched: one a peer has
 * already claimed stays the peer's. XCLAIM ... JUSTID leaves the delivery count as it is.
 *
 * Returns the ids whose lease was lost: no longer pending, owned by another consumer, or deleted
 * from the stream (XCLAIM then drops it from the PEL and returns nothing).
 */
export const renewLeasesScript = defineScript({
  name: 'ssRenewLeases',
  keys: ['stream'],
  args: [
    'group',
    'consumer', // this consumer: only its own entries are renewed
  ],
  rest: 'entry ids',
  lua: `
local lost = {}
for i = 3, #ARGV do
  local row = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)[1]
  if row and row[2] == ARGV[2] then
    if #redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID') == 0 then lost[#lost + 1] = ARGV[i] end
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
`,
  decode: asStrings,
});
