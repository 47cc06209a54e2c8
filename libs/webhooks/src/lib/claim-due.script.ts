import { asStrings, defineScript } from '@streamscribe/redis';

/**
 * Claims up to `limit` members of a schedule (a sorted set scored by when each is due) whose time
 * has come, by moving them to `lease_until`: another router's claim skips them, and a router that
 * dies holding them leaves them due again at `lease_until` (nothing is lost across restarts).
 */
export const CLAIM_DUE_SCRIPT = defineScript({
  name: 'ssWebhookClaimDue',
  keys: ['schedule'] as const,
  args: ['now', 'lease_until', 'limit'] as const,
  lua: `
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], member)
end
return due
`,
  decode: (reply) => asStrings(reply),
});
