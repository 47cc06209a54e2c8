import Redis from 'ioredis';

/**
 * Follows a results stream with one blocking XREAD and stamps when each chunk's result was seen
 * (keyed `session/chunk`), the end point of both paths' latency.
 */
export class ResultTail {
  readonly seenAt = new Map<string, number>();
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly client: Redis,
    private readonly stream: string,
  ) {
    this.loop = this.follow();
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async follow(): Promise<void> {
    let lastId = '$';
    while (this.running) {
      const reply = (await this.client.xread(
        'COUNT',
        1000,
        'BLOCK',
        50,
        'STREAMS',
        this.stream,
        lastId,
      )) as Array<[string, Array<[string, string[]]>]> | null;
      const now = performance.now();
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        lastId = id;
        this.seenAt.set(
          `${fields[fields.indexOf('session_id') + 1]}/${fields[fields.indexOf('chunk_id') + 1]}`,
          now,
        );
      }
    }
  }
}
