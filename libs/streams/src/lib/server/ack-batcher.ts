import type Redis from 'ioredis';
import { TurnBatcher } from '@streamscribe/redis';
import { streamGroupKey } from './stream-group-key';

interface Ack {
  stream: string;
  group: string;
  id: string;
}

/**
 * Collects XACKs issued in the same tick and sends one XACK per stream and group. Under load this
 * turns N acknowledgements into one round trip; at low load it adds no delay (one tick).
 */
export class AckBatcher {
  private readonly batcher: TurnBatcher<Ack, void>;

  constructor(client: Redis) {
    this.batcher = new TurnBatcher<Ack, void>(async (_key, acks) => {
      const [{ stream, group }] = acks;
      await client.xack(stream, group, ...acks.map((ack) => ack.id));
      return acks.map((): void => undefined);
    });
  }

  ack(stream: string, group: string, id: string): Promise<void> {
    return this.batcher.add(streamGroupKey(stream, group), { stream, group, id });
  }

  /** Resolves when every XACK sent so far has been answered. */
  settle(): Promise<void> {
    return this.batcher.settle();
  }
}
