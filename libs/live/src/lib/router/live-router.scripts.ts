import { asNumber, defineScript } from '@streamscribe/redis';

// The router's Lua scripts on a live session's keys. Field names are LIVE_STATE_FIELDS' and
// LIVE_AUDIO_FIELDS' (written out here: Lua cannot import them; live-router.store.spec.ts reads
// them back through the contracts' decoders).

/** Creates the state hash unless it exists; 1 = created, 0 = it was there. */
export const createLiveSessionScript = defineScript({
  name: 'ssLiveCreateSession',
  keys: ['state'],
  args: ['ttlSeconds'],
  rest: 'field/value pairs of the new state',
  lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
return 1
`,
  decode: asNumber,
});

/**
 * One binary frame into the audio log, counted as received only once logged: -1 when the session
 * no longer takes audio (closing, closed, failed), -2 when it does not exist; else bytes received.
 */
export const appendLiveFrameScript = defineScript({
  name: 'ssLiveAppendFrame',
  keys: ['state', 'log'],
  args: ['audio', 'ttlSeconds'],
  lua: `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -2 end
if status ~= 'open' then return -1 end
local received = tonumber(redis.call('HGET', KEYS[1], 'received') or '0')
redis.call('XADD', KEYS[2], '*', 'o', received, 'a', ARGV[1])
local total = redis.call('HINCRBY', KEYS[1], 'received', string.len(ARGV[1]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return total
`,
  decode: asNumber,
});

/**
 * A control entry (finalize, close) into the audio log at the current offset; close also turns
 * the session to \`closing\`. With \`attached\` set, only while that connection is the session's
 * (the resume window's close must not end a session another socket resumed). -1 / -2 as above,
 * -3 when another connection holds the session; else the offset.
 */
export const appendLiveControlScript = defineScript({
  name: 'ssLiveAppendControl',
  keys: ['state', 'log'],
  args: ['control', 'ttlSeconds', 'attached'],
  lua: `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -2 end
if status ~= 'open' then return -1 end
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'attached') ~= ARGV[3] then return -3 end
local received = tonumber(redis.call('HGET', KEYS[1], 'received') or '0')
redis.call('XADD', KEYS[2], '*', 'o', received, 'c', ARGV[1])
if ARGV[1] == 'close' then redis.call('HSET', KEYS[1], 'status', 'closing') end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return received
`,
  decode: asNumber,
});

/**
 * Assigns the session: only when its epoch is still \`expectedEpoch\` and it is not over. Bumps the
 * epoch, sets the provider, appends \`failedProvider\` to the failed list (when failing over),
 * queues the job for the provider's workers and, when given, writes the event (JSON; its epoch
 * set to the new one) in the same step, so no worker event of the new epoch precedes it.
 * Reply: [new epoch, ''] or [-1, current epoch] (someone else reassigned) or [-2, status].
 */
export const assignLiveSessionScript = defineScript({
  name: 'ssLiveAssign',
  keys: ['state', 'jobs', 'events'],
  args: ['expectedEpoch', 'provider', 'failedProvider', 'tenant', 'session', 'event', 'ttlSeconds'],
  lua: `
local epoch = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '-1')
if epoch ~= tonumber(ARGV[1]) then return {-1, tostring(epoch)} end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'open' and status ~= 'closing' then return {-2, tostring(status)} end
local next = epoch + 1
redis.call('HSET', KEYS[1], 'epoch', next, 'provider', ARGV[2])
if ARGV[3] ~= '' then
  local failed = redis.call('HGET', KEYS[1], 'failed')
  if not failed or failed == '' then failed = ARGV[3] else failed = failed .. ',' .. ARGV[3] end
  redis.call('HSET', KEYS[1], 'failed', failed)
end
if ARGV[6] ~= '' then
  local event = cjson.decode(ARGV[6])
  event['epoch'] = next
  redis.call('XADD', KEYS[3], '*', 'e', cjson.encode(event))
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[7]))
end
redis.call('XADD', KEYS[2], '*', 'tenant', ARGV[4], 'session', ARGV[5], 'epoch', next)
return {next, ''}
`,
  decode: (reply) => {
    const [a, b] = reply as [number, string | null];
    return { epoch: Number(a), detail: b ?? '' };
  },
});

/** Terminal: status failed and the error event, only while the epoch is still \`expectedEpoch\`. 1 = done. */
export const failLiveSessionScript = defineScript({
  name: 'ssLiveFail',
  keys: ['state', 'events'],
  args: ['expectedEpoch', 'event', 'ttlSeconds'],
  lua: `
local epoch = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '-1')
if epoch ~= tonumber(ARGV[1]) then return 0 end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'open' and status ~= 'closing' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'failed')
redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
return 1
`,
  decode: asNumber,
});
