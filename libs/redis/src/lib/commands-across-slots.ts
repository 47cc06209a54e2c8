import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { isClusterClient } from './redis-connection';

type Command = (...args: unknown[]) => Promise<unknown>;
type Reply = [Error | null, unknown];

/**
 * A pipeline for commands whose keys may lie in different Cluster slots (every provider's health,
 * every partition's stream, an API key and the index of keys). On one server (or Sentinel) it is
 * `client.pipeline()`: one round trip. On Redis Cluster, where ioredis refuses a pipeline that
 * spans slots, each command is sent on its own, all at once, and routed to its slot's node;
 * `exec()` answers in the same `[error, reply]` shape. Keep commands that must see each other's
 * effect in one `{k}`-tagged pipeline or script instead.
 */
export function pipelineAcrossSlots(client: Redis): ChainableCommander {
  if (!isClusterClient(client)) return client.pipeline();
  return commandQueue(client, (queued) => Promise.all(queued.map((send) => send().then(answered, failed))));
}

/**
 * A MULTI whose keys may lie in different Cluster slots. On one server it is `client.multi()`:
 * atomic. On Redis Cluster, where a transaction must stay in one slot, the commands are sent one
 * after another, each once the previous answered, so their order holds but not atomicity: a crash
 * between two of them leaves the first done. Call sites write in an order that tolerates that
 * (the record before the index that lists it).
 */
export function multiAcrossSlots(client: Redis): ChainableCommander {
  if (!isClusterClient(client)) return client.multi();
  return commandQueue(client, async (queued) => {
    const replies: Reply[] = [];
    for (const send of queued) replies.push(await send().then(answered, failed));
    return replies;
  });
}

const answered = (reply: unknown): Reply => [null, reply];
const failed = (error: unknown): Reply => [error instanceof Error ? error : new Error(String(error)), null];

/** A chainable stand-in for a pipeline: records each command, and `exec` runs them with `run`. */
function commandQueue(client: Redis, run: (queued: Array<() => Promise<unknown>>) => Promise<Reply[]>) {
  const queued: Array<() => Promise<unknown>> = [];
  const queue: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_, name) {
      if (name === 'exec') return () => run(queued);
      if (name === 'length') return queued.length;
      if (typeof name !== 'string' || name === 'then') return undefined;
      const command = (client as unknown as Record<string, Command | undefined>)[name];
      if (typeof command !== 'function')
        throw new Error(`${name} is not a command of this client (define a script on it first)`);
      return (...args: unknown[]) => {
        queued.push(() => command.apply(client, args));
        return queue;
      };
    },
  });
  return queue;
}
