import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

/** What a script takes as an ARGV value. */
export type ScriptArg = string | Buffer | number;

type ScriptRunner = (...keysAndArgs: ScriptArg[]) => Promise<unknown>;

/**
 * One Lua script, defined once: its command name, the names of its KEYS and ARGV in order (the
 * key count comes from them, never written a second time), an optional variadic ARGV tail, the Lua
 * itself and a decoder that turns the raw reply into the type call sites use.
 */
export interface ScriptDefinition<K extends string, A extends string, R> {
  /** The ioredis command name it is registered under (prefix `ss` keeps clear of Redis' own). */
  name: string;
  /** KEYS[1..n], in order. */
  keys: readonly K[];
  /** ARGV[1..m], in order. */
  args: readonly A[];
  /**
   * What ARGV[m+1..] holds, when the script takes a variable tail (field/value pairs, entry ids);
   * the Lua reads it with `for i = m + 1, #ARGV`.
   */
  rest?: string;
  lua: string;
  decode: (reply: unknown) => R;
}

/**
 * A script registered on a connection with ioredis' defineCommand: EVALSHA, falling back to EVAL
 * when Redis lost its script cache (after a restart), in plain calls and in pipelines alike. Keys
 * and arguments are passed by name, so a call site cannot swap two of them or miss one.
 */
export class RedisScript<K extends string, A extends string, R> {
  readonly numberOfKeys: number;

  constructor(readonly definition: ScriptDefinition<K, A, R>) {
    this.numberOfKeys = definition.keys.length;
  }

  get name(): string {
    return this.definition.name;
  }

  async run(
    client: Redis,
    keys: Record<K, string>,
    args: Record<A, ScriptArg>,
    rest: readonly ScriptArg[] = [],
  ): Promise<R> {
    return this.decode(await this.runner(client)(...this.keysAndArgs(keys, args, rest)));
  }

  /** Queues a call on a pipeline; decode its reply from `exec()` with `decode`. */
  queue(
    pipeline: ChainableCommander,
    keys: Record<K, string>,
    args: Record<A, ScriptArg>,
    rest: readonly ScriptArg[] = [],
  ): void {
    (pipeline as unknown as Record<string, ScriptRunner>)[this.name](...this.keysAndArgs(keys, args, rest));
  }

  decode(reply: unknown): R {
    return this.definition.decode(reply);
  }

  /** Defines the script on the connection (idempotent); pipelines made afterwards inherit it. */
  define(client: Redis): void {
    if (this.name in client) return;
    client.defineCommand(this.name, { numberOfKeys: this.numberOfKeys, lua: this.definition.lua });
    givePendingAutoPipelines(client, this.name);
  }

  private keysAndArgs(
    keys: Record<K, string>,
    args: Record<A, ScriptArg>,
    rest: readonly ScriptArg[],
  ): ScriptArg[] {
    const { definition } = this;
    if (rest.length > 0 && !definition.rest)
      throw new Error(`script ${this.name} takes no variable arguments, got ${rest.length}`);
    return [
      ...definition.keys.map((name) => keys[name]),
      ...definition.args.map((name) => args[name]),
      ...rest,
    ];
  }

  private runner(client: Redis): ScriptRunner {
    this.define(client);
    return (client as unknown as Record<string, ScriptRunner>)[this.name].bind(client);
  }
}

export function defineScript<K extends string, A extends string, R>(
  definition: ScriptDefinition<K, A, R>,
): RedisScript<K, A, R> {
  return new RedisScript(definition);
}

/**
 * A script over as many keys as the call brings (a batch: several items' keys, one slot on a
 * Cluster): KEYS and ARGV are given whole at each call. It is sent as Redis' own EVALSHA (EVAL when
 * the server lacks it), not as an ioredis-defined command: ioredis routes an auto-pipelined custom
 * command by its first argument, which here would be the key count, not a key, and on a Cluster the
 * call then joined another node's pipeline and never settled. For fixed keys, `defineScript`.
 */
export class VariadicKeysScript<R> {
  private readonly sha: string;

  constructor(
    readonly definition: {
      /** Its name where commands are counted (bench:chunk-cost names EVALSHA by it; prefix `ss`). */
      name: string;
      lua: string;
      decode: (reply: unknown) => R;
    },
  ) {
    this.sha = createHash('sha1').update(definition.lua).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<R> {
    let reply: unknown;
    try {
      reply = await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      // The server lost its script cache (a restart, a failover to a replica that never ran it).
      reply = await client.eval(this.definition.lua, keys.length, ...keys, ...args);
    }
    return this.definition.decode(reply);
  }
}

/** What ioredis (5.x) keeps of an auto-pipelined connection: the pipelines this tick's commands join. */
interface AutoPipelinedInternals {
  _autoPipelines?: Map<string, Record<string, unknown> & { _shaToScript: Record<string, unknown> }>;
  scriptsSet: Record<string, { sha: string }>;
}

/**
 * With auto-pipelining (`createRedisConnection(..., { autoPipelining: true })`), the commands of a
 * tick join a pipeline opened by the tick's first command, and a pipeline takes the scripts the
 * connection had when it was opened. A script defined later in the same tick would then fail
 * ("pipeline[functionName] is not a function"): the pipelines still open get it too, as ioredis'
 * Pipeline constructor gives it to new ones.
 */
function givePendingAutoPipelines(client: Redis, name: string): void {
  const internals = client as unknown as AutoPipelinedInternals & Record<string, unknown>;
  const script = internals.scriptsSet?.[name];
  if (!script) return;
  for (const pipeline of internals._autoPipelines?.values() ?? []) {
    if (name in pipeline) continue;
    pipeline._shaToScript[script.sha] = script;
    pipeline[name] = internals[name];
    pipeline[`${name}Buffer`] = internals[`${name}Buffer`];
  }
}
