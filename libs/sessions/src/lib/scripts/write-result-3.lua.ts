/**
 * write-result-3.lua — writes a chunk's result once. A redelivered chunk (a reclaim after a crash
 * between the result write and the XACK) finds its chunk id in the index and writes nothing.
 *
 * KEYS[1] session result index hash (chunk id → result entry id)
 * KEYS[2] session results stream    KEYS[3] transcription:results:all
 * ARGV[1] chunk id    ARGV[2] session TTL (s)    ARGV[3] approximate MAXLEN of results:all
 * ARGV[4..] the result's field/value pairs
 *
 * Returns { 'created' | 'duplicate', result entry id in the session stream }.
 */
export const WRITE_RESULT_LUA = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return {'duplicate', existing} end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
redis.call('HSET', KEYS[1], ARGV[1], id)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return {'created', id}
`;
