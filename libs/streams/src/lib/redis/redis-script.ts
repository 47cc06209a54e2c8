import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';

type ScriptRunner = (...keysAndArgs: Array<string | Buffer | number>) => Promise<unknown>;

/**
 * A Lua script registered on a connection with ioredis' defineCommand: EVALSHA, falling back to
 * EVAL when Redis lost its script cache (after a restart), in plain calls and in pipelines alike.
 */
export class RedisScript {
  constructor(
    private readonly name: string,
    private readonly numberOfKeys: number,
    private readonly lua: string,
  ) {}

  run(client: Redis, keys: readonly string[], args: ReadonlyArray<string | Buffer | number>): Promise<unknown> {
    return this.runner(client)(...keys, ...args);
  }

  queue(pipeline: ChainableCommander, keys: readonly string[], args: ReadonlyArray<string | Buffer | number>): void {
    (pipeline as unknown as Record<string, ScriptRunner>)[this.name](...keys, ...args);
  }

  /** Defines the script on the connection (idempotent); pipelines made afterwards inherit it. */
  define(client: Redis): void {
    if (!(this.name in client)) client.defineCommand(this.name, { numberOfKeys: this.numberOfKeys, lua: this.lua });
  }

  private runner(client: Redis): ScriptRunner {
    this.define(client);
    return (client as unknown as Record<string, ScriptRunner>)[this.name].bind(client);
  }
}
