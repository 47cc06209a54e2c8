import { asStringOrNull, defineScript } from '@streamscribe/redis';

/**
 * move-entry — acknowledges an entry in its group and appends its successor to another
 * stream in one step, so a crash can neither lose the chunk (acked, not re-queued) nor duplicate
 * it (re-queued, not acked). Only the consumer that holds the entry may move it: XACK itself does
 * not check ownership, so a worker whose lease lapsed (a peer reclaimed the entry and is working on
 * it) would otherwise ack the peer's entry and queue a second copy. Nothing is written then, nor
 * when the entry is no longer pending at all (a peer settled it).
 *
 * Returns the new entry's id, or false when the entry was not pending here.
 */
export const moveEntryScript = defineScript({
  name: 'ssMoveEntry',
  keys: [
    'source',
    'target',
    'trail', // a set that records '<target> <new id>' (a session's trail), or the source when none
  ],
  args: [
    'group',
    'entryId',
    'targetMaxLen', // approximate MAXLEN of the target ('' = none)
    'holder', // the consumer that must hold the entry ('' = any)
    'trailed', // '1': record the new entry in the trail set; '' = no trail
  ],
  rest: "the new entry's field/value pairs",
  lua: `
if ARGV[4] ~= '' then
  local row = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)[1]
  if not row or row[2] ~= ARGV[4] then return false end
end
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return false end
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
local id
if ARGV[3] ~= '' then
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
else
  id = redis.call('XADD', KEYS[2], '*', unpack(fields))
end
if ARGV[5] == '1' then redis.call('SADD', KEYS[3], KEYS[2] .. ' ' .. id) end
return id
`,
  decode: asStringOrNull,
});
