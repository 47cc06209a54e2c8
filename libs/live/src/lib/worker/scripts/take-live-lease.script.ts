import { asStrings, defineScript } from '@streamscribe/redis';

/**
 * take-live-lease — a worker takes a live session's lease for the assignment (epoch) its job
 * names, and reads the state it resumes from, in one step: only while the session is still on that
 * epoch and not over, and not while another worker holds the same epoch's lease (a job delivered
 * twice). A lease left by an older epoch is overwritten: that owner is fenced off by the epoch.
 * Returns { verdict: taken | stale | ended | held | missing, status, finalized, received, options }.
 */
export const takeLiveLeaseScript = defineScript({
  name: 'ssTakeLiveLease',
  keys: [
    'state', // the session's state hash
    'lease', // the session's lease
  ],
  args: ['epoch', 'holder', 'leaseMs'],
  lua: `
local state = redis.call('HMGET', KEYS[1], 'epoch', 'status', 'finalized', 'received', 'options')
if not state[1] then return {'missing'} end
if tonumber(state[1]) ~= tonumber(ARGV[1]) then return {'stale'} end
if state[2] == 'closed' or state[2] == 'failed' then return {'ended'} end
local current = redis.call('GET', KEYS[2])
if current then
  local at = string.find(current, ' ', 1, true)
  if at and tonumber(string.sub(current, at + 1)) == tonumber(ARGV[1]) and string.sub(current, 1, at - 1) ~= ARGV[2] then
    return {'held'}
  end
end
redis.call('SET', KEYS[2], ARGV[2] .. ' ' .. ARGV[1], 'PX', ARGV[3])
return {'taken', state[2] or 'open', state[3] or '0', state[4] or '0', state[5] or ''}
`,
  decode: decodeTakeReply,
});

export type LiveLeaseVerdict = 'taken' | 'stale' | 'ended' | 'held' | 'missing';

export interface TakeLiveLeaseReply {
  verdict: LiveLeaseVerdict;
  status?: string;
  finalized?: number;
  received?: number;
  options?: string;
}

function decodeTakeReply(reply: unknown): TakeLiveLeaseReply {
  const [verdict, status, finalized, received, options] = asStrings(reply);
  if (!['taken', 'stale', 'ended', 'held', 'missing'].includes(verdict))
    throw new Error(`unexpected lease verdict ${verdict}`);
  if (verdict !== 'taken') return { verdict: verdict as LiveLeaseVerdict };
  return { verdict: 'taken', status, finalized: Number(finalized), received: Number(received), options };
}
