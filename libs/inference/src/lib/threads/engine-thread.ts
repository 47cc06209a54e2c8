import { Worker } from 'node:worker_threads';
import type { Logger } from '@streamscribe/observability';
import type { ActiveDevice } from '../runtime/onnx-session.factory';
import type { EngineSpec } from './engine-spec';
import { EngineThreadEntry, engineThreadEntry } from './engine-thread-entry';
import { EngineThreadExitedError } from './engine-thread-exited.error';
import { ThreadReply, fromThreadError } from './engine-thread-messages';

interface InFlight {
  resolve: (outputs: unknown[]) => void;
  reject: (error: unknown) => void;
}

/**
 * An engine (Whisper or Parakeet) in a worker thread, so inference never holds the worker's event
 * loop (leases, heartbeats, /health and /metrics keep their timing). `run` posts a batch and
 * resolves with the thread's outputs. A thread that dies fails its in-flight batches with
 * EngineThreadExitedError (retryable) and is replaced by a fresh one loading the same spec; `close`
 * terminates it (after the worker has drained).
 */
export class EngineThread<I, O> {
  private worker?: Worker;
  private ready: Promise<void> = Promise.resolve();
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  private closing = false;
  private device?: ActiveDevice;

  private constructor(
    private readonly spec: EngineSpec,
    private readonly log: Logger,
    private readonly entry: EngineThreadEntry,
  ) {}

  /** Starts the thread and resolves once its model is loaded and warmed up; rejects with the load error. */
  static async start<I, O>(
    spec: EngineSpec,
    log: Logger,
    entry: EngineThreadEntry = engineThreadEntry(),
  ): Promise<EngineThread<I, O>> {
    const thread = new EngineThread<I, O>(spec, log, entry);
    thread.ready = thread.spawn();
    await thread.ready;
    return thread;
  }

  /** The device the thread's sessions run on (known once it has loaded). */
  get activeDevice(): ActiveDevice | undefined {
    return this.device;
  }

  /** Runs a batch in the thread; `transfer` lists buffers handed over rather than copied. */
  async run(items: I[], transfer: ArrayBuffer[] = []): Promise<O[]> {
    if (this.closing) throw new Error('the inference thread is closed: the worker is shutting down');
    // A replacement that failed to load left no thread: try again for this batch.
    if (!this.worker) this.ready = this.spawn();
    await this.ready;
    const worker = this.worker;
    if (!worker) throw new EngineThreadExitedError('it stopped while loading');
    const id = this.nextId++;
    return new Promise<O[]>((resolve, reject) => {
      this.inFlight.set(id, { resolve: resolve as (outputs: unknown[]) => void, reject });
      worker.postMessage({ type: 'run', id, items }, transfer);
    });
  }

  /** Terminates the thread; batches still in flight are rejected. Safe to call twice. */
  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failInFlight(new Error('the inference thread was closed: the worker is shutting down'));
    if (!worker) return;
    const { threadId } = worker;
    await worker.terminate();
    this.log.info({ threadId }, 'inference thread terminated');
  }

  private spawn(): Promise<void> {
    const worker = new Worker(this.entry.script, { eval: this.entry.eval, workerData: this.spec });
    this.worker = worker;
    let loaded = false;
    let loadError: Error | undefined;
    let crash: Error | undefined;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: ThreadReply) => {
        if (reply.type === 'ready') {
          loaded = true;
          this.device = reply.device;
          this.log.info(
            { modelDir: this.spec.dir, device: reply.device, ms: reply.loadMs, threadId: worker.threadId },
            'model loaded and warmed up',
          );
          resolve();
        } else if (reply.type === 'load-failed') {
          loadError = fromThreadError(reply.error);
        } else {
          this.settle(reply);
        }
      });
      worker.on('error', (error) => (crash = error));
      worker.once('exit', (code) => {
        if (!loaded)
          reject(
            loadError ??
              crash ??
              new Error(`the inference thread exited (code ${code}) before its model loaded`),
          );
        if (this.worker !== worker) return;
        this.worker = undefined;
        const reason = crash ? `${crash.name}: ${crash.message}` : `exit code ${code}`;
        this.failInFlight(new EngineThreadExitedError(reason));
        if (!loaded || this.closing) return;
        this.log.error({ reason, threadId: worker.threadId }, 'inference thread stopped; starting a new one');
        this.ready = this.spawn();
        this.ready.catch((error: unknown) =>
          this.log.error(
            { err: error instanceof Error ? error.message : String(error) },
            'replacement inference thread failed to load; the next batch tries again',
          ),
        );
      });
    });
  }

  private settle(reply: Extract<ThreadReply, { type: 'done' | 'failed' }>): void {
    const waiting = this.inFlight.get(reply.id);
    if (!waiting) return;
    this.inFlight.delete(reply.id);
    if (reply.type === 'done') waiting.resolve(reply.outputs);
    else waiting.reject(fromThreadError(reply.error));
  }

  private failInFlight(error: Error): void {
    for (const waiting of this.inFlight.values()) waiting.reject(error);
    this.inFlight.clear();
  }
}
