export interface MicroBatcherOptions {
  /** Most items one batch holds. @defaultValue 8 */
  maxBatchSize: number;
  /** How long the first item of a batch waits for others, in ms. @defaultValue 10 */
  maxWaitMs: number;
}

/** An error marked `failsWholeBatch` (EngineThreadExitedError) is not retried item by item. */
function failsWholeBatch(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { failsWholeBatch?: unknown }).failsWholeBatch === true
  );
}

interface Pending<I, O> {
  item: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers concurrent requests into batches: a batch runs when it holds maxBatchSize items or its
 * first item has waited maxWaitMs. One batch runs at a time (the model is the bottleneck); items
 * that arrive meanwhile form the next one, which runs as soon as the current one ends. `run` returns one output per item, in order; when a
 * batch of several fails, each of its items is run alone, so only the one that fails is rejected,
 * unless the error says it failed the whole batch.
 */
export class MicroBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: MicroBatcherOptions,
  ) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    }
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be ≥ 0, got ${options.maxWaitMs}`);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return;
    if (this.queue.length >= this.options.maxBatchSize) {
      this.flush();
    } else if (this.queue.length > 0 && !this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    }
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0, this.options.maxBatchSize);
    if (batch.length === 0) return;
    this.running = true;
    this.runBatch(batch.map((p) => p.item))
      .then(
        (outputs) => batch.forEach((p, i) => p.resolve(outputs[i])),
        // One bad item must not fail its neighbours: run each alone, so only the culprit rejects.
        // An error that says the whole batch failed (the engine thread died) fails every item.
        (error: unknown) =>
          batch.length === 1 || failsWholeBatch(error)
            ? batch.forEach((p) => p.reject(error))
            : this.oneByOne(batch),
      )
      .finally(() => {
        this.running = false;
        // What arrived while the model ran has waited long enough: run it now.
        if (this.queue.length > 0) this.flush();
      });
  }

  /** `run`, with a synchronous throw turned into a rejection and the output count checked. */
  private async runBatch(items: I[]): Promise<O[]> {
    const outputs = await Promise.resolve().then(() => this.run(items));
    if (outputs.length !== items.length)
      throw new Error(`batch of ${items.length} produced ${outputs.length} outputs`);
    return outputs;
  }

  private async oneByOne(batch: Pending<I, O>[]): Promise<void> {
    for (const pending of batch) {
      await this.runBatch([pending.item]).then(([output]) => pending.resolve(output), pending.reject);
    }
  }
}
