import { asStrings, defineScript } from '@streamscribe/redis';

/**
 * reap-consumers — deletes consumers that hold nothing pending and have not read for
 * `idleMs`: workers SIGKILLed or scaled away, whose entries peers already reclaimed. Without
 * this a fleet that churns pods grows its group's consumer list forever. Checked and deleted in
 * one step, so an entry delivered in between cannot be dropped from the PEL; a live consumer
 * deleted by mistake is recreated by its next XREADGROUP.
 *
 * Returns the names of the consumers deleted.
 */
export const reapConsumersScript = defineScript({
  name: 'ssReapConsumers',
  keys: ['stream'],
  args: [
    'idleMs', // consumers idle longer than this (and holding nothing) go
    'group',
  ],
  lua: `
local reaped = {}
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[2])) do
  local info = {}
  for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
  if tonumber(info['pending']) == 0 and tonumber(info['idle']) > tonumber(ARGV[1]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[2], info['name'])
    reaped[#reaped + 1] = info['name']
  end
end
return reaped
`,
  decode: asStrings,
});
