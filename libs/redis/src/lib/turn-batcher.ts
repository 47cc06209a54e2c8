interface Queued<I, R> {
  item: I;
  resolve: (answer: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers what callers hand in during one event-loop turn, by key, and sends each key's items in
 * one call on the next turn (setImmediate): under load N commands become one round trip, at low
 * load it adds one turn. Each caller's promise settles with its own item's answer.
 */
export class TurnBatcher<I, R> {
  private readonly queued = new Map<string, Array<Queued<I, R>>>();
  private scheduled = false;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    /**
     * Sends one key's items (at most `maxPerCall`); answers each, in order: its answer, or an Error
     * for that item alone. A rejection fails every item of the call.
     */
    private readonly send: (key: string, items: I[]) => Promise<ReadonlyArray<R | Error>>,
    private readonly maxPerCall = Number.POSITIVE_INFINITY,
  ) {}

  add(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queued.get(key);
      if (queue) queue.push({ item, resolve, reject });
      else this.queued.set(key, [{ item, resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends what is queued now and resolves when every call sent so far has been answered. */
  async settle(): Promise<void> {
    if (this.scheduled) this.flush();
    await Promise.allSettled([...this.sending]);
  }

  private flush(): void {
    this.scheduled = false;
    const queues = [...this.queued];
    this.queued.clear();
    for (const [key, queue] of queues)
      for (let at = 0; at < queue.length; at += this.maxPerCall)
        this.call(key, queue.slice(at, at + this.maxPerCall));
  }

  private call(key: string, queue: Array<Queued<I, R>>): void {
    const sent = this.send(
      key,
      queue.map((queued) => queued.item),
    ).then(
      (answers) =>
        queue.forEach((queued, i) => {
          const answer = answers[i];
          if (i >= answers.length)
            queued.reject(new Error(`the call answered ${answers.length} of ${queue.length} items`));
          else if (answer instanceof Error) queued.reject(answer);
          else queued.resolve(answer);
        }),
      (error: unknown) => queue.forEach((queued) => queued.reject(error)),
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}
