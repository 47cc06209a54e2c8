import type { BreakerState } from '@streamscribe/routing-policy';
import { asStrings, defineScript } from '@streamscribe/redis';

/**
 * record-outcome — counts one provider call, or several successful ones together (a worker
 * coalesces the successes of one event-loop turn), in the current time slot of the provider's
 * health hash and moves its circuit breaker, atomically, so every worker and router replica sees
 * one breaker.
 *
 * Slot i is field 's<i>' (its start, ms) with 's<i>:ok', 's<i>:err', 's<i>:ms', 's<i>:audio' and
 * 's<i>:h<k>'; a slot whose start is stale is cleared before reuse.
 * Breaker: closed → open (for open ms) when errors / outcomes over the window reach the threshold
 * with at least min requests; any error carrying a Retry-After opens it for that long, but at most
 * four times the open time (one stray "Retry-After: 86400" must not pin a provider shut for a day:
 * the half-open probe then asks again). Open →
 * (after open_until) half-open: the next success closes it, the next error reopens it.
 * Returns { state, open_until, transition ('' when none), reason }.
 */
export const recordOutcomeScript = defineScript({
  name: 'ssRecordOutcome',
  keys: [
    'health', // the provider's health hash
  ],
  args: [
    'nowMs',
    'outcome', // 'ok' | 'error'
    'providerMs',
    'audioSeconds',
    'latencyBuckets', // successes: '<bucket index>:<calls>' pairs, comma-separated, one per latency bucket hit
    'retryAfterMs', // 0: none
    'windowMs',
    'slots',
    'minRequests',
    'errorRateThreshold',
    'openMs',
    'latencyBucketCount',
    'calls', // successes counted by this call (1 for an error); providerMs and audioSeconds are their sums
  ],
  lua: `
local key = KEYS[1]
local now = tonumber(ARGV[1])
-- Non-finite figures (a provider reporting NaN) count as 0: checked before any write, since a
-- script that fails halfway is not rolled back.
local function finiteOrZero(value)
  local n = tonumber(value)
  if n == nil or n ~= n or n == math.huge or n == -math.huge then return '0' end
  return value
end
local providerMs = finiteOrZero(ARGV[3])
local audioSeconds = finiteOrZero(ARGV[4])
local ok = ARGV[2] == 'ok'
local calls = tonumber(ARGV[13])
if calls == nil or calls < 1 or math.floor(calls) ~= calls then
  return redis.error_reply('ERR calls must be a positive integer, got ' .. ARGV[13])
end
local windowMs = tonumber(ARGV[7])
local slots = tonumber(ARGV[8])
local bucketMs = math.max(1, math.floor(windowMs / slots))
local bucket = math.floor(now / bucketMs)
local slot = 's' .. (bucket % slots)
local start = bucket * bucketMs
if tonumber(redis.call('HGET', key, slot) or '-1') ~= start then
  local stale = {slot .. ':ok', slot .. ':err', slot .. ':ms', slot .. ':audio'}
  for k = 0, tonumber(ARGV[12]) - 1 do stale[#stale + 1] = slot .. ':h' .. k end
  redis.call('HDEL', key, unpack(stale))
  redis.call('HSET', key, slot, start)
end
if ok then
  redis.call('HINCRBY', key, slot .. ':ok', calls)
  redis.call('HINCRBYFLOAT', key, slot .. ':ms', providerMs)
  redis.call('HINCRBYFLOAT', key, slot .. ':audio', audioSeconds)
  for bucket, count in string.gmatch(ARGV[5], '(%d+):(%d+)') do
    redis.call('HINCRBY', key, slot .. ':h' .. bucket, tonumber(count))
  end
  redis.call('HINCRBY', key, 'ok_total', calls)
  redis.call('HINCRBYFLOAT', key, 'audio_seconds_total', audioSeconds)
else
  redis.call('HINCRBY', key, slot .. ':err', 1)
  redis.call('HINCRBY', key, 'error_total', 1)
end

local state = redis.call('HGET', key, 'state') or 'closed'
local openUntil = tonumber(redis.call('HGET', key, 'open_until') or '0')
if state == 'open' and now >= openUntil then state = 'half_open' end

local function open(untilMs, reason)
  redis.call('HSET', key, 'state', 'open', 'open_until', untilMs, 'opened_at', now, 'reason', reason)
  redis.call('HDEL', key, 'probe_until')
  return {'open', tostring(untilMs), 'open', reason}
end

if ok then
  if state == 'half_open' then
    redis.call('HSET', key, 'state', 'closed', 'closed_at', now, 'reason', 'a probe succeeded')
    redis.call('HDEL', key, 'open_until', 'probe_until')
    -- The errors that opened it are history: without this the next error would reopen it at once.
    local errors = {}
    for i = 0, slots - 1 do errors[#errors + 1] = 's' .. i .. ':err' end
    redis.call('HDEL', key, unpack(errors))
    return {'closed', '0', 'closed', 'a probe succeeded'}
  end
  return {state, tostring(openUntil), '', ''}
end

local retryAfter = math.min(tonumber(ARGV[6]), 4 * tonumber(ARGV[11]))
if retryAfter > 0 and now + retryAfter > openUntil then
  return open(now + retryAfter, 'the provider asked to retry after ' .. retryAfter .. ' ms')
end
if state == 'half_open' then return open(now + tonumber(ARGV[11]), 'the probe failed') end
if state == 'open' then return {state, tostring(openUntil), '', ''} end

local fields = {}
for i = 0, slots - 1 do
  fields[#fields + 1] = 's' .. i
  fields[#fields + 1] = 's' .. i .. ':ok'
  fields[#fields + 1] = 's' .. i .. ':err'
end
local values = redis.call('HMGET', key, unpack(fields))
local okCount, errCount = 0, 0
for i = 0, slots - 1 do
  local slotStart = tonumber(values[i * 3 + 1] or '-1')
  if slotStart > now - windowMs then
    okCount = okCount + tonumber(values[i * 3 + 2] or '0')
    errCount = errCount + tonumber(values[i * 3 + 3] or '0')
  end
end
local total = okCount + errCount
if total >= tonumber(ARGV[9]) and errCount / total >= tonumber(ARGV[10]) then
  return open(now + tonumber(ARGV[11]), string.format('%d of %d calls failed in the last %d ms', errCount, total, windowMs))
end
return {state, '0', '', ''}
`,
  decode: decodeBreakerReply,
});

/** The breaker after the call, and its move, when this call moved it. */
export interface BreakerReply {
  state: BreakerState;
  openUntilMs: number;
  transition?: 'open' | 'closed';
  reason: string;
}

function decodeBreakerReply(reply: unknown): BreakerReply {
  const [state, openUntil, transition, reason] = asStrings(reply);
  if (state !== 'closed' && state !== 'open' && state !== 'half_open')
    throw new Error(`unexpected breaker state ${state}`);
  if (transition !== '' && transition !== 'open' && transition !== 'closed')
    throw new Error(`unexpected breaker transition ${transition}`);
  return { state, openUntilMs: Number(openUntil), transition: transition || undefined, reason };
}
