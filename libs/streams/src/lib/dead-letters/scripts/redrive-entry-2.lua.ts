/**
 * redrive-entry-2.lua — takes an entry out of the dead-letter stream and appends it to a provider
 * stream in one step. XDEL first: of two operators re-driving the same letter at once, only one
 * re-queues it.
 *
 * KEYS[1] dead-letter stream    KEYS[2] target provider stream
 * ARGV[1] dead-letter entry id    ARGV[2..] the re-queued entry's field/value pairs
 *
 * Returns the new entry's id, or false when the letter was already gone.
 */
export const REDRIVE_ENTRY_LUA = `
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return false end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
return redis.call('XADD', KEYS[2], '*', unpack(fields))
`;
