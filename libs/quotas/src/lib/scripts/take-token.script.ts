import { asStrings, defineScript } from '@streamscribe/redis';
import { luaNowMs } from './redis-clock';

/**
 * take-token — one request out of a tenant's token bucket, shared by every router. The bucket
 * refills continuously at `ratePerSecond` up to `burst` by the time elapsed since its last
 * refill; a request takes one token or is refused. An idle bucket expires once it would be full
 * again, which is the same as keeping it.
 *
 * Returns { allowed (1/0), tokens left, ms until one token is back (0 when allowed), ms until
 * the bucket is full }.
 */
export const takeTokenScript = defineScript({
  name: 'ssQuotaTakeToken',
  keys: ['bucket'],
  args: [
    'ratePerSecond', // > 0
    'burst', // ≥ 1
    'nowMs', // '' = Redis TIME
  ],
  lua: `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
${luaNowMs(3)}
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ms')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
if tokens == nil or last == nil then
  tokens = burst
  last = now
end
-- A clock behind the last refill (a caller's clock) refills nothing rather than taking tokens away.
if now > last then
  tokens = tokens + (now - last) * rate / 1000
  last = now
end
if tokens > burst then tokens = burst end
local allowed = 0
local retryMs = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retryMs = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ms', tostring(last))
local fullMs = math.ceil((burst - tokens) * 1000 / rate)
redis.call('PEXPIRE', KEYS[1], fullMs + 1000)
return {allowed, tostring(tokens), retryMs, fullMs}
`,
  decode: (reply): TokenDecision => {
    const [allowed, tokens, retryAfterMs, fullInMs] = asStrings(reply);
    return {
      allowed: allowed === '1',
      remaining: Math.max(0, Math.floor(Number(tokens))),
      retryAfterMs: Number(retryAfterMs),
      fullInMs: Number(fullInMs),
    };
  },
});

export interface TokenDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When refused: how long until one token is back, in ms. */
  retryAfterMs: number;
  /** How long until the bucket is full again, in ms. */
  fullInMs: number;
}
