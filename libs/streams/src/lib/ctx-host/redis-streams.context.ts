import { BaseRpcContext } from '@nestjs/microservices';

type RedisStreamsContextArgs = [
  stream: string,
  entryId: string,
  group: string,
  consumer: string,
  deliveryCount: number,
];

/**
 * What a handler knows about the entry it was given. A handler that moved or acknowledged the
 * entry itself (for example a failover that re-queues and acks in one Lua script) calls
 * `markSettled()` so the transport does not acknowledge it again.
 */
export class RedisStreamsContext extends BaseRpcContext<RedisStreamsContextArgs> {
  private settled = false;

  getStream(): string {
    return this.args[0];
  }

  getEntryId(): string {
    return this.args[1];
  }

  getGroup(): string {
    return this.args[2];
  }

  getConsumer(): string {
    return this.args[3];
  }

  /** 1 on first delivery; higher after a reclaim or a redelivery. */
  getDeliveryCount(): number {
    return this.args[4];
  }

  markSettled(): void {
    this.settled = true;
  }

  isSettled(): boolean {
    return this.settled;
  }
}
