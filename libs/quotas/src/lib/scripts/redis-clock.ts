/**
 * Lua for "now" in ms: the caller's clock when ARGV[index] is not empty (tests pass one), else
 * Redis' own TIME, so every router measures with one clock and their skew does not matter.
 */
export function luaNowMs(argIndex: number): string {
  return `
local now
if ARGV[${argIndex}] ~= '' then
  now = tonumber(ARGV[${argIndex}])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end`;
}
