import type Redis from 'ioredis';
import {
  KeyScheme,
  LIVE_EVENT_FIELD,
  LIVE_STATE_FIELDS,
  LiveControl,
  LiveEvent,
  LiveSessionOptions,
  LiveStatus,
  ProviderName,
  SessionRef,
  decodeLiveEvent,
  encodeLiveEvent,
} from '@streamscribe/contracts';
import {
  appendLiveControlScript,
  appendLiveFrameScript,
  assignLiveSessionScript,
  createLiveSessionScript,
  failLiveSessionScript,
} from './live-router.scripts';

/** The state hash as the router reads it (`LIVE_STATE_FIELDS`). */
export interface LiveSessionState {
  options: LiveSessionOptions;
  epoch: number;
  provider?: ProviderName;
  failed: ProviderName[];
  received: number;
  finalized: number;
  status: LiveStatus;
  created: number;
  tenant: string;
  /** The connection that holds the session now (`attached`), if any. */
  attached?: string;
}

/** One entry of the events stream: its id and the event (undefined when malformed). */
export interface LiveEventEntry {
  id: string;
  event: LiveEvent | undefined;
}

export type AppendOutcome =
  { ok: true; received: number } | { ok: false; reason: 'not_open' | 'missing' | 'detached' };

export type AssignOutcome =
  | { ok: true; epoch: number }
  | { ok: false; reason: 'epoch_moved'; epoch: number }
  | { ok: false; reason: 'over'; status: string };

const LIVE_ATTACHED_FIELD = LIVE_STATE_FIELDS.attached;

/**
 * The router's side of a live session in Redis: creates it, appends the client's frames and
 * control messages to the audio log (one Lua call each: counted as received only once logged),
 * assigns it to a provider's workers (epoch-fenced), reads its events and its worker's lease.
 * Every key gets `ttlSeconds` (LIVE_SESSION_TTL_SECONDS), refreshed as audio arrives.
 */
export class LiveRouterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyScheme,
    private readonly ttlSeconds: number,
  ) {}

  ref(tenant: string, sessionId: string): SessionRef {
    return this.keys.session(tenant, sessionId);
  }

  /** Creates the session (status open, epoch 0, nothing received); false when the id is taken. */
  async create(
    ref: SessionRef,
    options: LiveSessionOptions,
    attached: string,
    now = Date.now(),
  ): Promise<boolean> {
    const f = LIVE_STATE_FIELDS;
    const fields: Record<string, string | number> = {
      [f.options]: JSON.stringify(options),
      [f.epoch]: 0,
      [f.provider]: '',
      [f.failed]: '',
      [f.received]: 0,
      [f.finalized]: 0,
      [f.status]: 'open',
      [f.created]: now,
      [f.tenant]: ref.tenant,
      [LIVE_ATTACHED_FIELD]: attached,
    };
    const created = await createLiveSessionScript.run(
      this.redis,
      { state: this.keys.liveStateKey(ref) },
      { ttlSeconds: this.ttlSeconds },
      Object.entries(fields).flat(),
    );
    return created === 1;
  }

  async state(ref: SessionRef): Promise<LiveSessionState | undefined> {
    const hash = await this.redis.hgetall(this.keys.liveStateKey(ref));
    const f = LIVE_STATE_FIELDS;
    if (!hash[f.options] || !hash[f.status]) return undefined;
    let options: LiveSessionOptions;
    try {
      options = JSON.parse(hash[f.options]) as LiveSessionOptions;
    } catch {
      return undefined;
    }
    return {
      options,
      epoch: Number(hash[f.epoch] ?? 0),
      provider: (hash[f.provider] || undefined) as ProviderName | undefined,
      failed: (hash[f.failed] ?? '').split(',').filter((p) => p !== '') as ProviderName[],
      received: Number(hash[f.received] ?? 0),
      finalized: Number(hash[f.finalized] ?? 0),
      status: hash[f.status] as LiveStatus,
      created: Number(hash[f.created] ?? 0),
      tenant: hash[f.tenant] ?? ref.tenant,
      attached: hash[LIVE_ATTACHED_FIELD] || undefined,
    };
  }

  /** Makes `connection` the session's holder (a resumed socket). */
  async attach(ref: SessionRef, connection: string): Promise<void> {
    await this.redis.hset(this.keys.liveStateKey(ref), LIVE_ATTACHED_FIELD, connection);
  }

  async appendFrame(ref: SessionRef, frame: Buffer): Promise<AppendOutcome> {
    const reply = await appendLiveFrameScript.run(
      this.redis,
      { state: this.keys.liveStateKey(ref), log: this.keys.liveAudioLogKey(ref) },
      { audio: frame, ttlSeconds: this.ttlSeconds },
    );
    return appendOutcome(reply);
  }

  /**
   * Finalize or close into the audio log. With `onlyIfAttached`, only while that connection
   * still holds the session (the resume window's close).
   */
  async appendControl(ref: SessionRef, control: LiveControl, onlyIfAttached = ''): Promise<AppendOutcome> {
    const reply = await appendLiveControlScript.run(
      this.redis,
      { state: this.keys.liveStateKey(ref), log: this.keys.liveAudioLogKey(ref) },
      { control, ttlSeconds: this.ttlSeconds, attached: onlyIfAttached },
    );
    return appendOutcome(reply);
  }

  /**
   * Assigns the session to `provider` if its epoch is still `expectedEpoch`: epoch+1, the job on
   * the provider's live jobs stream, `failedProvider` onto the failed list, `event` (its epoch
   * replaced by the new one) onto the events stream, all at once.
   */
  async assign(
    ref: SessionRef,
    expectedEpoch: number,
    provider: ProviderName,
    opts: { failedProvider?: ProviderName; event?: LiveEvent } = {},
  ): Promise<AssignOutcome> {
    const { epoch, detail } = await assignLiveSessionScript.run(
      this.redis,
      {
        state: this.keys.liveStateKey(ref),
        jobs: this.keys.liveJobsStream(provider, ref.partition),
        events: this.keys.liveEventsKey(ref),
      },
      {
        expectedEpoch,
        provider,
        failedProvider: opts.failedProvider ?? '',
        tenant: ref.tenant,
        session: ref.sessionId,
        event: opts.event ? encodeLiveEvent(opts.event) : '',
        ttlSeconds: this.ttlSeconds,
      },
    );
    if (epoch === -1) return { ok: false, reason: 'epoch_moved', epoch: Number(detail) };
    if (epoch === -2) return { ok: false, reason: 'over', status: detail };
    return { ok: true, epoch };
  }

  /** Ends the session for good (status failed, `error` event) if `expectedEpoch` is still current. */
  async fail(ref: SessionRef, expectedEpoch: number, event: LiveEvent): Promise<boolean> {
    const done = await failLiveSessionScript.run(
      this.redis,
      { state: this.keys.liveStateKey(ref), events: this.keys.liveEventsKey(ref) },
      { expectedEpoch, event: encodeLiveEvent(event), ttlSeconds: this.ttlSeconds },
    );
    return done === 1;
  }

  /**
   * Events after `afterId`: XREAD BLOCK for up to `blockMs` on `blocking` (a connection of its
   * own, without a command timeout shorter than the block); blockMs 0: only what is there now.
   */
  async readEvents(
    blocking: Redis,
    ref: SessionRef,
    afterId: string,
    blockMs: number,
    count = 500,
  ): Promise<LiveEventEntry[]> {
    const key = this.keys.liveEventsKey(ref);
    const reply =
      blockMs > 0
        ? await blocking.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, afterId)
        : await blocking.xread('COUNT', count, 'STREAMS', key, afterId);
    if (!reply) return [];
    return reply[0][1].map(([id, fields]) => ({
      id,
      event: decodeLiveEvent(fieldOf(fields, LIVE_EVENT_FIELD)),
    }));
  }

  /** The id of the events stream's last entry (where a resumed socket's catch-up ends). */
  async lastEventId(ref: SessionRef): Promise<string | undefined> {
    const [last] = await this.redis.xrevrange(this.keys.liveEventsKey(ref), '+', '-', 'COUNT', 1);
    return last?.[0];
  }

  /** `{worker, epoch}` of the lease holder, or undefined when nobody holds it. */
  async leaseHolder(ref: SessionRef): Promise<{ worker: string; epoch: number } | undefined> {
    const value = await this.redis.get(this.keys.liveLeaseKey(ref));
    if (!value) return undefined;
    const space = value.lastIndexOf(' ');
    const epoch = Number(value.slice(space + 1));
    if (space <= 0 || !Number.isSafeInteger(epoch)) return undefined;
    return { worker: value.slice(0, space), epoch };
  }
}

function appendOutcome(reply: number): AppendOutcome {
  if (reply === -1) return { ok: false, reason: 'not_open' };
  if (reply === -2) return { ok: false, reason: 'missing' };
  if (reply === -3) return { ok: false, reason: 'detached' };
  return { ok: true, received: reply };
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
