import { AppProcess } from '../app-process';

/** One worker process of the fleet: which app, with which settings. */
export interface WorkerSpec {
  app: string;
  env: Record<string, string>;
}

/** When one incarnation was ready and when it was SIGKILLed (epoch ms), by app and pid. */
export interface WorkerLifetime {
  app: string;
  pid?: number;
  readyAt: number;
  killedAt?: number;
}

interface Slot {
  spec: WorkerSpec;
  process?: AppProcess;
  lifetime?: WorkerLifetime;
  starting?: Promise<void>;
}

/**
 * A fixed set of worker processes where any may be SIGKILLed and is restarted at once, as a
 * crash-looping or preempted fleet would be. Every incarnation is kept, so its logs can be read
 * after it died.
 */
export class WorkerFleet {
  readonly incarnations: AppProcess[] = [];
  /** Each incarnation's ready and kill times: which of a fleet's workers were up at a moment. */
  readonly lifetimes: WorkerLifetime[] = [];
  kills = 0;
  startFailures = 0;
  private readonly slots: Slot[];
  private stopped = false;

  /** readyTimeoutMs: how long a start may take before it counts as failed and is retried. */
  constructor(
    workers: readonly WorkerSpec[],
    private readonly readyTimeoutMs = 30_000,
  ) {
    this.slots = workers.map((spec) => ({ spec }));
  }

  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.startSlot(slot)));
  }

  get ready(): number {
    return this.slots.filter((slot) => slot.process).length;
  }

  /**
   * SIGKILLs one random ready worker and starts its replacement. Spares the last ready one (returns
   * false): kills faster than a restart would otherwise leave no worker alive long enough to work,
   * which tests nothing but the restart time.
   */
  async killOne(random: () => number): Promise<boolean> {
    const ready = this.slots.filter((slot) => slot.process);
    if (ready.length < 2) return false;
    await this.kill(ready[Math.floor(random() * ready.length)]);
    return true;
  }

  /** The ready workers, each with the spec it runs. */
  running(): Array<{ spec: WorkerSpec; process: AppProcess }> {
    return this.slots.flatMap((slot) => (slot.process ? [{ spec: slot.spec, process: slot.process }] : []));
  }

  /**
   * SIGKILLs the ready worker `pick` chooses (the owner of a live session, say) and starts its
   * replacement; false when it chose none. Unlike killOne it may kill the last ready worker.
   */
  async killWhere(pick: (spec: WorkerSpec, process: AppProcess) => boolean): Promise<boolean> {
    const slot = this.slots.find((candidate) => candidate.process && pick(candidate.spec, candidate.process));
    if (!slot) return false;
    await this.kill(slot);
    return true;
  }

  /** SIGKILLs the slot's worker, notes when, and starts its replacement. */
  private async kill(slot: Slot): Promise<void> {
    const victim = slot.process as AppProcess;
    slot.process = undefined;
    if (slot.lifetime) slot.lifetime.killedAt = Date.now();
    await victim.stop('SIGKILL');
    this.kills += 1;
    slot.starting = this.startSlot(slot);
  }

  /** Waits for restarts in progress, then SIGTERMs every worker; resolves with their exit codes. */
  async stop(): Promise<Array<number | null>> {
    this.stopped = true;
    await Promise.all(this.slots.map((slot) => slot.starting));
    return Promise.all(this.slots.map((slot) => slot.process?.stop('SIGTERM') ?? null));
  }

  private async startSlot(slot: Slot): Promise<void> {
    // A worker that cannot start (Redis restarting under it) is retried, as a supervisor would.
    while (!this.stopped) {
      try {
        const process = await AppProcess.start(slot.spec.app, slot.spec.env, this.readyTimeoutMs);
        this.incarnations.push(process);
        slot.process = process;
        slot.lifetime = { app: slot.spec.app, pid: process.pid, readyAt: Date.now() };
        this.lifetimes.push(slot.lifetime);
        return;
      } catch {
        this.startFailures += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}
