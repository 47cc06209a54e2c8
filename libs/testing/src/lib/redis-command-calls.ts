import type Redis from 'ioredis';

/**
 * How many times the server has run the given commands so far (lower-case names, as INFO
 * commandstats lists them): take it before and after, and the difference is what ran between.
 * Counts every client's commands, so a spec measures on a server of its own.
 */
export async function redisCommandCalls(redis: Redis, commands: readonly string[]): Promise<number> {
  const stats = await redis.info('commandstats');
  let calls = 0;
  for (const [, name, count] of stats.matchAll(/cmdstat_([^:]+):calls=(\d+)/g))
    if (commands.includes(name)) calls += Number(count);
  return calls;
}
