import { asStrings, defineScript } from '@streamscribe/redis';

/**
 * write-live-final — a final result, epoch-fenced like every event, that also advances the
 * session's finalized offset (monotonic, never past what was received) and trims the audio log
 * below the first entry a takeover would still need (`trimBelow`, '' keeps it). The events
 * stream's and the log's TTLs follow the state hash's.
 * Returns { id, finalized } of the written final, or {} when fenced.
 */
export const writeLiveFinalScript = defineScript({
  name: 'ssWriteLiveFinal',
  keys: ['state', 'events', 'log'],
  args: [
    'epoch',
    'event', // LiveEvent JSON
    'finalized', // byte offset the final reaches, frame-aligned
    'trimBelow', // log entry id: every entry before it is finalized
  ],
  lua: `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch or tonumber(epoch) ~= tonumber(ARGV[1]) then return {} end
local id = redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
local received = tonumber(redis.call('HGET', KEYS[1], 'received') or '0')
local finalized = tonumber(redis.call('HGET', KEYS[1], 'finalized') or '0')
local target = math.min(tonumber(ARGV[3]), received)
if target > finalized then
  finalized = target
  redis.call('HSET', KEYS[1], 'finalized', string.format('%d', finalized))
end
if ARGV[4] ~= '' then redis.call('XTRIM', KEYS[3], 'MINID', ARGV[4]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return {id, string.format('%d', finalized)}
`,
  decode: (reply) => {
    const [id, finalized] = asStrings(reply);
    return id === undefined ? null : { id, finalized: Number(finalized) };
  },
});
