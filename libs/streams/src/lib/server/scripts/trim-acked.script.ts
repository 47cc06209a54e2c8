import { asNumber, defineScript } from '@streamscribe/redis';

/**
 * trim-acked — trims a stream below what every consumer group has both delivered and
 * acknowledged, and never further. For each group the bound is the lower of its oldest pending
 * entry and its last-delivered id (the latter is kept itself: one entry more, but no id arithmetic,
 * which in Lua's doubles would round sequence numbers above 2^53 and overflow at 2^64-1). XTRIM
 * MINID removes only ids below the lowest bound (approximately: whole radix-tree nodes, so it is
 * cheap and may keep a few more). A stream without groups is left alone: nobody has read it yet.
 *
 * Ids are compared as strings of their two decimal parts (shorter is smaller, then lexically), so
 * every valid id compares exactly.
 *
 * Returns the number of entries removed.
 */
export const trimAckedScript = defineScript({
  name: 'ssTrimAcked',
  keys: ['stream'],
  args: [],
  lua: `
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local function lessDecimal(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
local function less(a, b)
  local da, db = string.find(a, '-', 1, true), string.find(b, '-', 1, true)
  local msA, msB = string.sub(a, 1, da - 1), string.sub(b, 1, db - 1)
  if msA ~= msB then return lessDecimal(msA, msB) end
  return lessDecimal(string.sub(a, da + 1), string.sub(b, db + 1))
end
local floor
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local bound = info['last-delivered-id']
  if tonumber(info['pending']) > 0 then
    local oldest = redis.call('XPENDING', KEYS[1], info['name'])[2]
    if less(oldest, bound) then bound = oldest end
  end
  if floor == nil or less(bound, floor) then floor = bound end
end
return redis.call('XTRIM', KEYS[1], 'MINID', '~', floor)
`,
  decode: asNumber,
});
