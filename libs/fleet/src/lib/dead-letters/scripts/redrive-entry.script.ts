import { asStringOrNull, defineScript } from '@streamscribe/redis';

/**
 * redrive-entry — takes an entry out of the dead-letter stream and appends it to a provider
 * stream in one step. XDEL first: of two operators re-driving the same letter at once, only one
 * re-queues it.
 *
 * Returns the new entry's id, or false when the letter was already gone.
 */
export const redriveEntryScript = defineScript({
  name: 'ssRedriveEntry',
  keys: [
    'deadLetters',
    'target',
    'trail', // the letter's session trail: records '<target> <new id>'
  ],
  args: ['letterId'],
  rest: "the re-queued entry's field/value pairs",
  lua: `
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return false end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('SADD', KEYS[3], KEYS[2] .. ' ' .. id)
return id
`,
  decode: asStringOrNull,
});
