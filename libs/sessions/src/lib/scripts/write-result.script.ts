import { asScriptStatus, asStrings, defineScript } from '@streamscribe/redis';

/**
 * write-result — writes a chunk's result once, and adds what it cost to the session's and
 * the provider's totals in the same step. A redelivered chunk (a reclaim after a crash between the
 * result write and the XACK) finds its chunk id in the index and writes nothing — and so never
 * counts its cost twice. The one exception: an "ok" result supersedes a "failed" one, so a chunk
 * re-driven from the dead-letter stream (or finished by a peer after its owner gave up) ends with
 * its transcript; readers take the index's entry.
 *
 * The three cost hashes (session, partition's providers, tenant's month) hold, per provider,
 * '<provider>:micros', '<provider>:audio_ms' and '<provider>:chunks'; the session's and the
 * tenant's also 'total_micros'. Every key shares the session's partition tag.
 *
 * Returns { 'created' | 'superseded' | 'duplicate', result entry id in the session stream }.
 */
export const writeResultScript = defineScript({
  name: 'ssWriteResult',
  keys: [
    'index', // the session's result index hash: index field → "<result entry id>|<status>"
    'sessionResults', // the session's results stream
    'allResults', // transcription:results:all
    'sessionCost', // the session's cost hash
    'providerCost', // per-provider cost totals of the partition (all sessions)
    'tenantCost', // the tenant's cost hash of this month and partition
    'trail', // the session's trail set: '<stream> <entry id>' of its entries in shared streams
    'sessionIndex', // the partition's session index (sorted set, scored by last activity)
  ],
  args: [
    'chunkId', // the index field: the chunk id, or "<chunk id>@<provider>" for a classic entry (resultIndexField)
    'ttlSeconds', // the session's TTL
    'allMaxLen', // approximate MAXLEN of results:all
    'provider',
    'costMicros', // '' when not priced
    'audioMs', // '' when unknown
    'status', // 'ok' | 'failed'
    'nowMs',
    'trailTtlSeconds', // the trail's TTL: longer, so the retention sweeper still finds the entries
    'indexMember', // the session's member in the session index
    'tenantCostTtlSeconds', // how long a month's tenant cost hash is kept
  ],
  rest: "the result's field/value pairs",
  lua: `
-- Checked before anything is written: a script that fails halfway is not rolled back.
local function badInteger(value)
  if value == '' then return false end
  local n = tonumber(value)
  return n == nil or n ~= n or n == math.huge or n == -math.huge or math.floor(n) ~= n
end
if badInteger(ARGV[5]) or badInteger(ARGV[6]) then
  return redis.error_reply('ERR cost micros and audio ms must be integers, got ' .. ARGV[5] .. ' and ' .. ARGV[6])
end
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local outcome = 'created'
if existing then
  local sep = string.find(existing, '|', 1, true)
  local previous = sep and string.sub(existing, 1, sep - 1) or existing
  local status = sep and string.sub(existing, sep + 1) or 'ok'
  if not (status == 'failed' and ARGV[7] == 'ok') then return {'duplicate', previous} end
  outcome = 'superseded'
end
local fields = {}
for i = 12, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[2], '*', unpack(fields))
local allId = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
redis.call('SADD', KEYS[7], KEYS[3] .. ' ' .. allId)
redis.call('EXPIRE', KEYS[7], ARGV[9])
redis.call('ZADD', KEYS[8], ARGV[8], ARGV[10])
redis.call('HSET', KEYS[1], ARGV[1], id .. '|' .. ARGV[7])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
if ARGV[5] ~= '' then
  local provider = ARGV[4]
  local micros = tonumber(ARGV[5])
  local audioMs = tonumber(ARGV[6]) or 0
  for _, key in ipairs({KEYS[4], KEYS[5], KEYS[6]}) do
    redis.call('HINCRBY', key, provider .. ':micros', micros)
    redis.call('HINCRBY', key, provider .. ':audio_ms', audioMs)
    redis.call('HINCRBY', key, provider .. ':chunks', 1)
  end
  redis.call('HINCRBY', KEYS[4], 'total_micros', micros)
  redis.call('HINCRBY', KEYS[6], 'total_micros', micros)
  redis.call('EXPIRE', KEYS[4], ARGV[2])
  redis.call('EXPIRE', KEYS[6], ARGV[11])
end
return {outcome, id}
`,
  decode: decodeWriteReply,
});

export interface WriteResultReply {
  status: 'created' | 'superseded' | 'duplicate';
  /** The result's entry in the session stream (the standing one, for a duplicate). */
  entryId: string;
}

function decodeWriteReply(reply: unknown): WriteResultReply {
  const [rawStatus, entryId] = asStrings(reply);
  const status = asScriptStatus(rawStatus);
  if (status === 'seq_taken') throw new Error('write-result never answers seq_taken');
  return { status, entryId };
}
