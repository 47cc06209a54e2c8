import { asScriptStatus, asStrings, VariadicKeysScript } from '@streamscribe/redis';

/**
 * write-results — writes the results of one batch (the chunks of one partition a worker finished
 * in one event-loop turn), each at most once, and adds what they cost to the session's, the
 * partition's provider and the tenant's monthly totals in the same step. A redelivered chunk (a
 * reclaim after a crash between the result write and the XACK) finds its chunk id in the index
 * and writes nothing — and so never counts its cost twice. The one exception: an "ok" result
 * supersedes a "failed" one, so a chunk re-driven from the dead-letter stream (or finished by a
 * peer after its owner gave up) ends with its transcript; readers take the index's entry.
 *
 * Results are taken in order, so a chunk that comes twice in one batch is a duplicate the second
 * time. The cost counters and TTLs the batch touches are written once per key at the end (one
 * HINCRBY per counter, not per chunk): the provider's and the tenant's cost hashes are shared by
 * every session of the partition.
 *
 * The three cost hashes hold, per provider, '<provider>:micros', '<provider>:audio_ms' and
 * '<provider>:chunks'; the session's and the tenant's also 'total_micros'. Every key of a batch
 * shares its partition's tag.
 */
export const RESULT_KEYS = [
  'index', // the session's result index hash: index field → "<result entry id>|<status>"
  'sessionResults', // the session's results stream
  'allResults', // transcription:results:all
  'sessionCost', // the session's cost hash
  'providerCost', // per-provider cost totals of the partition (all sessions)
  'tenantCost', // the tenant's cost hash of this month and partition
  'trail', // the session's trail set: '<stream> <entry id>' of its entries in shared streams
  'sessionIndex', // the partition's session index (sorted set, scored by last activity)
] as const;

/** The settings of the whole call, once, ahead of the results: the same for every result. */
export const RESULT_CALL_ARGS = [
  'ttlSeconds', // the session's TTL
  'allMaxLen', // approximate MAXLEN of results:all
  'trailTtlSeconds', // the trail's TTL: longer, so the retention sweeper still finds the entries
  'tenantCostTtlSeconds', // how long a month's tenant cost hash is kept
] as const;

export const RESULT_ARGS = [
  'chunkId', // the index field: the chunk id, or "<chunk id>@<provider>" for a classic entry (resultIndexField)
  'provider',
  'costMicros', // '' when not priced
  'audioMs', // '' when unknown
  'status', // 'ok' | 'failed'
  'nowMs',
  'indexMember', // the session's member in the session index
] as const;

/**
 * KEYS: RESULT_KEYS for each result, in turn. ARGV: RESULT_CALL_ARGS; then for each result,
 * RESULT_ARGS, the count of its field/value strings, then those. Replies status, entry id for each
 * result ('invalid', why: a result refused alone, its cost no integer or a key of the wrong type).
 */
export const writeResultsScript = new VariadicKeysScript({
  name: 'ssWriteResults',
  lua: `
local KEYS_EACH, ARGS_EACH = ${RESULT_KEYS.length}, ${RESULT_ARGS.length}
local ttl, allMaxLen, trailTtl, tenantTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local function badInteger(value)
  if value == '' then return false end
  local n = tonumber(value)
  -- Past 2^53 a number is no longer exact, and HINCRBY would refuse it (raising mid-call).
  return n == nil or n ~= n or math.abs(n) > 9007199254740992 or math.floor(n) ~= n
end
local counters, counterKeys = {}, {}
local function count(key, field, n)
  local fields = counters[key]
  if not fields then fields = {}; counters[key] = fields; counterKeys[#counterKeys + 1] = key end
  fields[field] = (fields[field] or 0) + n
end
local ttls, ttlKeys = {}, {}
local function expireAtEnd(key, seconds)
  if not ttls[key] then ttlKeys[#ttlKeys + 1] = key end
  ttls[key] = seconds
end
-- The session index gets each session once, at its latest result of the call.
local indexed, indexOrder = {}, {}
-- One result (keys from KEYS[k + 1], arguments from ARGV[a], its fields ARGV[first..last]): its
-- reply pair. Its costs and TTLs are gathered for the end of the call, after its last write.
local function writeOne(k, a, first, last)
  local chunkId, provider, costMicros, audioMs = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local status, nowMs, indexMember = ARGV[a + 4], ARGV[a + 5], ARGV[a + 6]
  -- Checked before anything of this result is written; the others go on.
  if badInteger(costMicros) or badInteger(audioMs) then
    return 'invalid', 'cost micros and audio ms must be integers, got ' .. costMicros .. ' and ' .. audioMs
  end
  local existing = redis.call('HGET', KEYS[k + 1], chunkId)
  local outcome, previous = 'created', nil
  if existing then
    local sep = string.find(existing, '|', 1, true)
    previous = sep and string.sub(existing, 1, sep - 1) or existing
    local was = sep and string.sub(existing, sep + 1) or 'ok'
    outcome = (was == 'failed' and status == 'ok') and 'superseded' or 'duplicate'
  end
  if outcome == 'duplicate' then return 'duplicate', previous end
  local fields = {}
  for i = first, last do fields[#fields + 1] = ARGV[i] end
  local id = redis.call('XADD', KEYS[k + 2], '*', unpack(fields))
  local allId = redis.call('XADD', KEYS[k + 3], 'MAXLEN', '~', allMaxLen, '*', unpack(fields))
  redis.call('SADD', KEYS[k + 7], KEYS[k + 3] .. ' ' .. allId)
  expireAtEnd(KEYS[k + 7], trailTtl)
  local at = KEYS[k + 8] .. ' ' .. indexMember
  if not indexed[at] then
    indexed[at] = {KEYS[k + 8], indexMember}
    indexOrder[#indexOrder + 1] = indexed[at]
  end
  indexed[at][3] = nowMs
  redis.call('HSET', KEYS[k + 1], chunkId, id .. '|' .. status)
  expireAtEnd(KEYS[k + 1], ttl)
  expireAtEnd(KEYS[k + 2], ttl)
  if costMicros ~= '' then
    local micros = tonumber(costMicros)
    local ms = tonumber(audioMs) or 0
    for _, key in ipairs({KEYS[k + 4], KEYS[k + 5], KEYS[k + 6]}) do
      count(key, provider .. ':micros', micros)
      count(key, provider .. ':audio_ms', ms)
      count(key, provider .. ':chunks', 1)
    end
    count(KEYS[k + 4], 'total_micros', micros)
    count(KEYS[k + 6], 'total_micros', micros)
    expireAtEnd(KEYS[k + 4], ttl)
    expireAtEnd(KEYS[k + 6], tenantTtl)
  end
  return outcome, id
end
local reply = {}
local a = ${RESULT_CALL_ARGS.length} + 1
for k = 0, #KEYS - KEYS_EACH, KEYS_EACH do
  local first = a + ARGS_EACH + 1
  local last = first + tonumber(ARGV[a + ARGS_EACH]) - 1
  -- A result Redis refuses (a key of the wrong type) fails alone, as it did in a call of its own:
  -- the results before it keep the costs and TTLs that the end of the call writes.
  local ok, status, value = pcall(writeOne, k, a, first, last)
  if not ok then
    status, value = 'invalid', type(status) == 'table' and tostring(status.err) or tostring(status)
  end
  reply[#reply + 1] = status
  reply[#reply + 1] = value
  a = last + 1
end
for _, entry in ipairs(indexOrder) do redis.call('ZADD', entry[1], entry[3], entry[2]) end
for _, key in ipairs(counterKeys) do
  for field, n in pairs(counters[key]) do redis.call('HINCRBY', key, field, n) end
end
for _, key in ipairs(ttlKeys) do redis.call('EXPIRE', key, ttls[key]) end
return reply
`,
  decode: decodeWriteReplies,
});

export type WriteResultReply =
  | {
      status: 'created' | 'superseded' | 'duplicate';
      /** The result's entry in the session stream (the standing one, for a duplicate). */
      entryId: string;
    }
  | { status: 'invalid'; reason: string };

function decodeWriteReplies(reply: unknown): WriteResultReply[] {
  const flat = asStrings(reply);
  const replies: WriteResultReply[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (flat[i] === 'invalid') {
      replies.push({ status: 'invalid', reason: flat[i + 1] });
      continue;
    }
    const status = asScriptStatus(flat[i]);
    if (status === 'seq_taken') throw new Error('write-results never answers seq_taken');
    replies.push({ status, entryId: flat[i + 1] });
  }
  return replies;
}
