/**
 * move-entry-2.lua — acknowledges an entry in its group and appends its successor to another
 * stream in one step, so a crash can neither lose the chunk (acked, not re-queued) nor duplicate
 * it (re-queued, not acked). If the entry is no longer pending (a peer reclaimed and settled it),
 * nothing is written.
 *
 * KEYS[1] source stream    KEYS[2] target stream
 * ARGV[1] group    ARGV[2] entry id    ARGV[3] approximate MAXLEN of the target ('' = none)
 * ARGV[4..] the new entry's field/value pairs
 *
 * Returns the new entry's id, or false when the source entry was not pending.
 */
export const MOVE_ENTRY_LUA = `
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return false end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
if ARGV[3] ~= '' then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
end
return redis.call('XADD', KEYS[2], '*', unpack(fields))
`;
