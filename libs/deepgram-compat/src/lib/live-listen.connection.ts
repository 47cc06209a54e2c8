import type Redis from 'ioredis';
import type { WebSocket, RawData } from 'ws';
import {
  LiveEvent,
  LiveFailureCode,
  LiveSessionOptions,
  ProviderName,
  SessionRef,
  compareStreamIds,
  liveBytesPerSecond,
} from '@streamscribe/contracts';
import type { LiveEventEntry, LiveRouterStore } from '@streamscribe/live';
import type { LiveLease } from '@streamscribe/quotas';
import type { ChosenProvider } from '@streamscribe/router-core';
import type { RoutingRequest } from '@streamscribe/routing-policy';
import type { Logger } from '@streamscribe/observability';
import {
  DEEPGRAM_CLOSE,
  NET_0001,
  deepgramFailover,
  deepgramMetadata,
  deepgramResults,
  deepgramSpeechStarted,
  deepgramUtteranceEnd,
} from './deepgram-messages';
import { liveRouterMetrics } from './live-metrics';

/** Providers whose workers serve live sessions (a LiveTranscriber in their worker app). */
export const LIVE_CAPABLE_PROVIDERS: readonly ProviderName[] = [
  'deepgram',
  'assemblyai',
  'whisper',
  'parakeet',
];

export interface LiveListenSettings {
  idleTimeoutMs: number;
  leaseCheckMs: number;
  startTimeoutMs: number;
  resumeWindowMs: number;
}

export interface LiveListenDeps {
  store: LiveRouterStore;
  choose: (request: RoutingRequest) => Promise<ChosenProvider>;
  /** A Redis connection of its own for XREAD BLOCK (no short command timeout); closed by the caller's `disconnect`. */
  blockingConnection: () => Redis;
  settings: LiveListenSettings;
  log: Logger;
}

/** What the socket asked for: a new session with options, or a resume. */
export type LiveListenStart =
  | { kind: 'new'; sessionId: string; options: LiveSessionOptions }
  | { kind: 'resume'; sessionId: string; resumeAfter?: string };

/**
 * One client socket on `/v1/listen` and the live session behind it. Frames go to the audio log in
 * the order they came (one Lua call each, issued in order on one connection); the session's
 * events come back as Deepgram messages. The connection also SUPERVISES the session: a `failed`
 * event, a lapsed worker lease or a job no worker took makes it reassign (the same provider for a
 * lost or draining worker, else the next one never tried), with a `failover` event the client sees
 * as a `Failover` message; with no provider left, an `error` event and close 1011.
 *
 * The client going away without CloseStream detaches the socket: supervision goes on, and after
 * the resume window a close is logged unless another socket resumed (`?session=`) the session.
 */
export class LiveListenConnection {
  private ref!: SessionRef;
  private options!: LiveSessionOptions;
  private created = Date.now();
  private ready: Promise<boolean>;
  private resolveReady!: (ok: boolean) => void;
  /** The events-stream id up to which this socket has seen events. */
  private lastId = '0';
  /** Up to this id, events are catch-up of a resume: finals only, after `resumeAfter`. */
  private catchUpUntil = '0';
  private resumeAfter = '0';
  /** The assignment this connection knows (from its own assign, `failover`/`started` events, or the state). */
  private epoch = 0;
  private provider: ProviderName | undefined;
  private providersUsed: ProviderName[] = [];
  private startedEpoch = -1;
  /** The newest assignment seen in the events stream, in stream order: older ones' events are stale. */
  private streamEpoch = 0;
  private writes: Promise<void> = Promise.resolve();
  private logBroken = false;
  private assignedAt = Date.now();
  private lastLeaseCheck = 0;
  private lastFinalEnd = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private closeRequested = false;
  private clientGone = false;
  private over = false;
  private blocking: Redis | undefined;
  private quota: LiveLease | undefined;

  constructor(
    private readonly deps: LiveListenDeps,
    private readonly socket: WebSocket,
    private readonly tenant: string,
    private readonly start: LiveListenStart,
    /** This socket's id in the state hash (`attached`). */
    private readonly connectionId: string,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    socket.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    socket.on('close', () => this.onClientGone());
    socket.on('error', () => socket.terminate());
  }

  get sessionId(): string {
    return this.start.sessionId;
  }

  /** Opens (or resumes) the session, then supervises it until it ends; never rejects. */
  async run(quota: () => Promise<LiveLease | { refused: string }>): Promise<void> {
    liveRouterMetrics.sockets.inc();
    try {
      const admission = await quota();
      if ('refused' in admission) {
        this.resolveReady(false);
        return this.closeSocket(DEEPGRAM_CLOSE.policy, admission.refused);
      }
      this.quota = admission;
      if (this.clientGone) return this.resolveReady(false);
      if (!(await this.open())) return this.resolveReady(false);
      this.resolveReady(true);
      this.resetIdle();
      await this.supervise();
    } catch (error) {
      this.resolveReady(false);
      this.deps.log.warn(
        { err: (error as Error).message, session: this.sessionId },
        'live session supervision failed',
      );
      this.closeSocket(DEEPGRAM_CLOSE.error, 'internal error; resume with ?session=');
    } finally {
      this.stop();
      liveRouterMetrics.sockets.dec();
    }
  }

  /** Router shutdown: stop supervising (the session stays resumable on another router). */
  shutdown(): void {
    this.over = true;
    this.closeSocket(DEEPGRAM_CLOSE.error, 'router shutting down; resume with ?session=');
    this.blocking?.disconnect();
  }

  private async open(): Promise<boolean> {
    const { store } = this.deps;
    this.ref = store.ref(this.tenant, this.sessionId);
    if (this.start.kind === 'new') {
      this.options = this.start.options;
      if (!(await store.create(this.ref, this.options, this.connectionId, this.created))) {
        this.closeSocket(DEEPGRAM_CLOSE.policy, `session ${this.sessionId} exists already`);
        return false;
      }
      liveRouterMetrics.sessions.inc({ kind: 'new' });
      const chosen = await this.chooseProvider([]);
      if (!chosen) {
        await store.fail(
          this.ref,
          0,
          this.errorEvent('no_provider', 'no live-capable provider can take the session now'),
        );
        return true; // the supervise loop reads the error event and closes 1011
      }
      const outcome = await store.assign(this.ref, 0, chosen);
      if (outcome.ok) this.assigned(outcome.epoch, chosen);
      return true;
    }
    const state = await store.state(this.ref);
    if (!state) {
      this.closeSocket(DEEPGRAM_CLOSE.policy, `no live session ${this.sessionId}`);
      return false;
    }
    liveRouterMetrics.sessions.inc({ kind: 'resumed' });
    this.options = state.options;
    this.created = state.created;
    this.epoch = state.epoch;
    this.provider = state.provider;
    this.providersUsed = [...state.failed, ...(state.provider ? [state.provider] : [])];
    this.resumeAfter = this.start.resumeAfter ?? '0';
    await store.attach(this.ref, this.connectionId);
    this.catchUpUntil = (await store.lastEventId(this.ref)) ?? '0';
    if (state.status === 'closing') this.closeRequested = true;
    return true;
  }

  private assigned(epoch: number, provider: ProviderName): void {
    this.epoch = epoch;
    this.provider = provider;
    if (!this.providersUsed.includes(provider)) this.providersUsed.push(provider);
    this.assignedAt = Date.now();
  }

  // ---- the client's messages ------------------------------------------------------------------

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.over) return;
    this.resetIdle();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) {
      if (bytes.length === 0 || this.closeRequested) return;
      this.toLog(() => this.deps.store.appendFrame(this.ref, bytes));
      return;
    }
    let type: unknown;
    try {
      type = (JSON.parse(bytes.toString('utf8')) as { type?: unknown }).type;
    } catch {
      return;
    }
    if (type === 'Finalize' && !this.closeRequested)
      this.toLog(() => this.deps.store.appendControl(this.ref, 'finalize'));
    else if (type === 'CloseStream' && !this.closeRequested) {
      this.closeRequested = true;
      this.toLog(() => this.deps.store.appendControl(this.ref, 'close'));
    }
    // KeepAlive: the idle timer was reset above; it goes no further than this router.
  }

  /**
   * Appends to the audio log strictly one after another, in the order the client sent them (an
   * EVALSHA retried as EVAL must not let a later frame overtake), once the session exists. A
   * write that fails ends the socket (the client resumes); nothing after it is logged.
   */
  private toLog(write: () => Promise<unknown>): void {
    this.writes = this.writes.then(async () => {
      if (this.logBroken || !(await this.ready)) return;
      try {
        await write();
      } catch (error) {
        this.logBroken = true;
        this.deps.log.warn(
          { err: (error as Error).message, session: this.sessionId },
          'live audio not logged',
        );
        this.closeSocket(DEEPGRAM_CLOSE.error, 'audio could not be stored; resume with ?session=');
      }
    });
  }

  private resetIdle(): void {
    if (this.closeRequested || this.clientGone) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.onIdle(), this.deps.settings.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private onIdle(): void {
    if (this.over || this.closeRequested || this.clientGone) return;
    liveRouterMetrics.idleClosed.inc();
    // Like Deepgram: the stream ends; what was heard is finalized.
    this.closeRequested = true;
    this.toLog(() => this.deps.store.appendControl(this.ref, 'close'));
    this.closeSocket(DEEPGRAM_CLOSE.error, NET_0001);
  }

  private onClientGone(): void {
    if (this.clientGone) return;
    this.clientGone = true;
    clearTimeout(this.idleTimer);
    void this.quota?.release().catch(() => undefined);
    this.quota = undefined;
    if (this.over) return;
    if (!this.closeRequested) {
      // Without CloseStream the client may come back (?session=) within the resume window.
      this.resumeTimer = setTimeout(
        () => this.toLog(() => this.deps.store.appendControl(this.ref, 'close', this.connectionId)),
        this.deps.settings.resumeWindowMs,
      );
      this.resumeTimer.unref();
    }
  }

  // ---- supervision -----------------------------------------------------------------------------

  private async supervise(): Promise<void> {
    const { store, settings } = this.deps;
    this.blocking = this.deps.blockingConnection();
    while (!this.over) {
      const entries = await store.readEvents(this.blocking, this.ref, this.lastId, settings.leaseCheckMs);
      for (const entry of entries) await this.onEvent(entry);
      if (this.over) break;
      if (Date.now() - this.lastLeaseCheck >= settings.leaseCheckMs) {
        this.lastLeaseCheck = Date.now();
        await this.checkOwner();
      }
    }
  }

  private async onEvent({ id, event }: LiveEventEntry): Promise<void> {
    this.lastId = id;
    if (!event) return;
    // An assignment's events follow its failover event in the stream: an older epoch's after it are stale.
    if (event.epoch < this.streamEpoch && event.type !== 'closed' && event.type !== 'error') return;
    this.streamEpoch = Math.max(this.streamEpoch, event.epoch);
    const catchUp = compareStreamIds(id, this.catchUpUntil) <= 0;
    const missed = compareStreamIds(id, this.resumeAfter) > 0;
    switch (event.type) {
      case 'results':
        if (event.isFinal) this.lastFinalEnd = Math.max(this.lastFinalEnd, event.start + event.duration);
        if (!event.isFinal && (!this.options.interimResults || catchUp)) return;
        if (catchUp && !missed) return;
        this.send(deepgramResults(event, id, this.sessionId, this.options));
        return;
      case 'speech_started':
        if (this.options.vadEvents && !catchUp) this.send(deepgramSpeechStarted(event));
        return;
      case 'utterance_end':
        if (this.options.utteranceEndMs !== undefined && !catchUp) this.send(deepgramUtteranceEnd(event));
        return;
      case 'started':
        if (event.epoch >= this.epoch) {
          if (event.epoch > this.epoch) this.assigned(event.epoch, event.provider);
          this.startedEpoch = event.epoch;
        }
        return;
      case 'failover':
        if (event.epoch > this.epoch) this.assigned(event.epoch, event.provider);
        if (!catchUp) this.send(deepgramFailover(event, id, this.sessionId));
        return;
      case 'failed':
        if (event.epoch === this.epoch) await this.reassign(event.provider, event.code, event.reason);
        return;
      case 'closed':
        this.over = true;
        this.send(
          deepgramMetadata({
            sessionId: this.sessionId,
            created: this.created,
            duration: event.duration,
            options: this.options,
            providers: this.providersUsed,
          }),
        );
        this.closeSocket(DEEPGRAM_CLOSE.normal, '');
        return;
      case 'error':
        this.over = true;
        this.closeSocket(DEEPGRAM_CLOSE.error, `${event.code}: ${event.message}`.slice(0, 120));
        return;
    }
  }

  /** The lease of the current assignment: held, lapsed (the worker died), or never taken. */
  private async checkOwner(): Promise<void> {
    const { store, settings } = this.deps;
    if (this.epoch === 0) return;
    if (this.clientGone) {
      const attached = (await store.state(this.ref))?.attached;
      if (attached !== this.connectionId) {
        this.over = true; // another socket resumed the session and supervises it now
        return;
      }
    }
    // Only a worker that had started before the lease was read can have let it lapse: one that
    // takes the lease and starts while this check runs shows up in `pending` below, after a read
    // that could not see its lease (reassigning it then was a false worker_lost under load).
    const startedBeforeRead = this.startedEpoch === this.epoch;
    const holder = await store.leaseHolder(this.ref);
    if (holder && holder.epoch === this.epoch) {
      this.startedEpoch = Math.max(this.startedEpoch, this.epoch);
      return;
    }
    const state = await store.state(this.ref);
    if (!state || (state.status !== 'open' && state.status !== 'closing')) {
      if (!state) this.over = true;
      return;
    }
    if (state.epoch !== this.epoch) {
      if (state.epoch > this.epoch && state.provider) this.assigned(state.epoch, state.provider);
      return;
    }
    // A worker that gave up wrote `failed` before releasing its lease: read what is there first.
    const pending = await store.readEvents(this.blocking as Redis, this.ref, this.lastId, 0);
    const epochBefore = this.epoch;
    for (const entry of pending) await this.onEvent(entry);
    if (this.over || this.epoch !== epochBefore) return;
    if (this.startedEpoch === this.epoch) {
      if (startedBeforeRead)
        await this.reassign(
          this.provider as ProviderName,
          'worker_lost',
          'the worker stopped renewing its lease',
        );
      // else: started during this check; the next check reads its lease.
    } else if (Date.now() - this.assignedAt >= settings.startTimeoutMs)
      await this.reassign(
        this.provider as ProviderName,
        'provider_error',
        `no ${this.provider} live worker took the session within ${settings.startTimeoutMs} ms`,
      );
  }

  private async reassign(from: ProviderName, code: LiveFailureCode, reason: string): Promise<void> {
    const { store } = this.deps;
    const state = await store.state(this.ref);
    if (!state || state.epoch !== this.epoch || (state.status !== 'open' && state.status !== 'closing'))
      return;
    const sameProvider = code === 'worker_lost' || code === 'worker_draining';
    const failedProvider = sameProvider ? undefined : from;
    const next = sameProvider ? from : await this.chooseProvider([...state.failed, from]);
    if (!next) {
      liveRouterMetrics.terminal.inc({ code });
      await store.fail(
        this.ref,
        this.epoch,
        this.errorEvent(code, `no provider left to serve the session after ${from} failed: ${reason}`),
      );
      return;
    }
    const resumeFrom = state.finalized / liveBytesPerSecond(this.options.format);
    const outcome = await store.assign(this.ref, this.epoch, next, {
      failedProvider,
      event: { type: 'failover', epoch: 0, provider: next, from, code, reason, resumeFrom },
    });
    if (outcome.ok) {
      liveRouterMetrics.failovers.inc({ from, to: next, code });
      this.deps.log.info(
        { session: this.sessionId, from, to: next, code, epoch: outcome.epoch },
        'live session reassigned',
      );
      this.assigned(outcome.epoch, next);
    }
    // Lost the race: another router reassigned; its failover event tells this one.
  }

  /** The provider for a (re)assignment, never one in `exclude`; undefined when none can take it. */
  private async chooseProvider(exclude: ProviderName[]): Promise<ProviderName | undefined> {
    const { options } = this;
    const excluded = [...new Set([...exclude, ...notLiveCapable()])];
    // An explicit fallback list is the whole chain; otherwise the policy's choice among the rest.
    if (options.fallback && exclude.length > 0) {
      const candidates = options.fallback.filter((p) => !excluded.includes(p));
      if (candidates.length === 0) return undefined;
      excluded.push(...notIn(candidates));
    }
    const preferred =
      exclude.length === 0 ? options.provider : options.fallback?.find((p) => !excluded.includes(p));
    try {
      const chosen = await this.deps.choose({
        ...(preferred && !excluded.includes(preferred) ? { preferred } : {}),
        fallback: (options.fallback ?? []).filter((p) => !excluded.includes(p)),
        // Every live-capable provider streams (its worker serves the session in real time), so the
        // batch API's `streaming` capability, which realTimeRequired demands, says nothing here:
        // it would rule out AssemblyAI, whose batch API is not real-time but whose v3 streaming is.
        hints: { ...options.hints, realTimeRequired: false },
        exclude: [...new Set(excluded)],
      });
      return chosen.provider;
    } catch {
      return undefined;
    }
  }

  private errorEvent(code: string, message: string): LiveEvent {
    return { type: 'error', epoch: this.epoch, provider: this.provider ?? 'deepgram', code, message };
  }

  // ---- the socket ------------------------------------------------------------------------------

  private send(message: object): void {
    if (this.clientGone || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  private closeSocket(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING)
      this.socket.close(code, reason);
  }

  private stop(): void {
    this.over = true;
    clearTimeout(this.idleTimer);
    this.blocking?.disconnect();
    this.blocking = undefined;
  }
}

function notLiveCapable(): ProviderName[] {
  return notIn(LIVE_CAPABLE_PROVIDERS);
}

function notIn(allowed: readonly ProviderName[]): ProviderName[] {
  return (['deepgram', 'whisper', 'parakeet', 'assemblyai'] as ProviderName[]).filter(
    (p) => !allowed.includes(p),
  );
}
