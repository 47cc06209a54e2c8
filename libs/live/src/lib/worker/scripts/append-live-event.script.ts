import { asStringOrNull, defineScript } from '@streamscribe/redis';

/**
 * append-live-event — XADDs an event to the session's events stream only while the session is on
 * the writer's epoch (a worker that lost the session writes nothing a client would see), and sets
 * the session's status when one is given (`closed` with the closed event). The events stream's TTL
 * follows the state hash's (the router sets that one). Returns the entry id, or null when fenced.
 */
export const appendLiveEventScript = defineScript({
  name: 'ssAppendLiveEvent',
  keys: ['state', 'events'],
  args: [
    'epoch',
    'event', // LiveEvent JSON
    'status', // '' leaves it
  ],
  lua: `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch or tonumber(epoch) ~= tonumber(ARGV[1]) then return false end
local id = redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'status', ARGV[3]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return id
`,
  decode: asStringOrNull,
});
