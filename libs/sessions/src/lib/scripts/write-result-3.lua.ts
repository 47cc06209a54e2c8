/**
 * write-result-3.lua — writes a chunk's result once. A redelivered chunk (a reclaim after a crash
 * between the result write and the XACK) finds its chunk id in the index and writes nothing.
 * The one exception: an "ok" result supersedes a "failed" one, so a chunk re-driven from the
 * dead-letter stream (or transcribed by a peer that reclaimed it while its first owner gave up)
 * ends with its transcript, and readers take the index's entry.
 *
 * KEYS[1] session result index hash (chunk id → "<result entry id>|<status>")
 * KEYS[2] session results stream    KEYS[3] transcription:results:all
 * ARGV[1] chunk id    ARGV[2] session TTL (s)    ARGV[3] approximate MAXLEN of results:all
 * ARGV[4] the result's status ('ok' | 'failed')    ARGV[5..] the result's field/value pairs
 *
 * Returns { 'created' | 'superseded' | 'duplicate', result entry id in the session stream }.
 */
export const WRITE_RESULT_LUA = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local outcome = 'created'
if existing then
  local sep = string.find(existing, '|', 1, true)
  local id = sep and string.sub(existing, 1, sep - 1) or existing
  local status = sep and string.sub(existing, sep + 1) or 'ok'
  if not (status == 'failed' and ARGV[4] == 'ok') then return {'duplicate', id} end
  outcome = 'superseded'
end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
redis.call('HSET', KEYS[1], ARGV[1], id .. '|' .. ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return {outcome, id}
`;
