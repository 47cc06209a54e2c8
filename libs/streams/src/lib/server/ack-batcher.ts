import type Redis from 'ioredis';
import { streamGroupKey } from './stream-group-key';

/**
 * Collects XACKs issued in the same tick and sends one XACK per stream and group. Under load this
 * turns N acknowledgements into one round trip; at low load it adds no delay (one tick).
 */
export class AckBatcher {
  private readonly queued = new Map<
    string,
    {
      stream: string;
      group: string;
      ids: string[];
      done: Array<() => void>;
      failed: Array<(e: unknown) => void>;
    }
  >();
  private scheduled = false;
  private readonly flushing = new Set<Promise<void>>();

  constructor(private readonly client: Redis) {}

  ack(stream: string, group: string, id: string): Promise<void> {
    const key = streamGroupKey(stream, group);
    let batch = this.queued.get(key);
    if (!batch) {
      batch = { stream, group, ids: [], done: [], failed: [] };
      this.queued.set(key, batch);
    }
    batch.ids.push(id);
    const promise = new Promise<void>((resolve, reject) => {
      batch.done.push(resolve);
      batch.failed.push(reject);
    });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return promise;
  }

  /** Resolves when every XACK sent so far has been answered. */
  async settle(): Promise<void> {
    if (this.scheduled) this.flush();
    await Promise.allSettled([...this.flushing]);
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.queued.values()];
    this.queued.clear();
    for (const batch of batches) {
      const sent = this.client.xack(batch.stream, batch.group, ...batch.ids).then(
        () => batch.done.forEach((resolve) => resolve()),
        (error: unknown) => batch.failed.forEach((reject) => reject(error)),
      );
      this.flushing.add(sent);
      void sent.finally(() => this.flushing.delete(sent));
    }
  }
}
