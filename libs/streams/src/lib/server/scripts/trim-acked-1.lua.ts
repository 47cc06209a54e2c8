/**
 * trim-acked-1.lua — trims a stream below what every consumer group has both delivered and
 * acknowledged, and never further: for each group the bound is its oldest pending entry or, with
 * nothing pending, the entry after its last-delivered id. XTRIM MINID removes only ids below the
 * lowest bound (approximately: whole radix-tree nodes, so it is cheap and may keep a few more).
 * A stream without groups is left alone, since nobody has read it yet.
 *
 * KEYS[1] the stream
 * Returns the number of entries removed.
 */
export const TRIM_ACKED_LUA = `
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local function parse(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local floorMs, floorSeq
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local ms, seq
  if tonumber(info['pending']) > 0 then
    ms, seq = parse(redis.call('XPENDING', KEYS[1], info['name'])[2])
  else
    ms, seq = parse(info['last-delivered-id'])
    seq = seq + 1
  end
  if floorMs == nil or ms < floorMs or (ms == floorMs and seq < floorSeq) then floorMs, floorSeq = ms, seq end
end
return redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%d-%d', floorMs, floorSeq))
`;
