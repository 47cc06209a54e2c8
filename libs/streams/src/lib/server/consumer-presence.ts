import type Redis from 'ioredis';

/**
 * The consumer's heartbeat: its name and the time, in one sorted set per group, every intervalMs,
 * so routers see which consumers are alive before their pending entries say so.
 */
export class ConsumerPresence {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly commands: Redis,
    private readonly consumer: string,
    private readonly keyFor: (group: string) => string,
  ) {}

  start(groups: string[], intervalMs: number): void {
    const beat = () => {
      const pipeline = this.commands.pipeline();
      for (const group of groups) pipeline.zadd(this.keyFor(group), Date.now(), this.consumer);
      pipeline.exec().catch(() => undefined);
    };
    beat();
    this.timer = setInterval(beat, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Removes the heartbeat at once, instead of letting routers wait for it to go stale. */
  async leave(group: string): Promise<void> {
    await this.commands.zrem(this.keyFor(group), this.consumer).catch(() => undefined);
  }
}
