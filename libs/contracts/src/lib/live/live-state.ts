/**
 * A live session's state hash (`KeyScheme.liveStateKey`). The router creates it and assigns the
 * session (bumping `epoch`); the owning worker advances `finalized` with every final it writes,
 * fenced by its epoch, so a worker that lost its lease cannot write anything a client would see.
 */
export const LIVE_STATE_FIELDS = {
  /** `LiveSessionOptions` as JSON. */
  options: 'options',
  /** The current assignment; every `LiveEvent` carries the epoch that wrote it. */
  epoch: 'epoch',
  /** The provider of the current assignment. */
  provider: 'provider',
  /** Comma list of providers that failed this session, in order (failover never goes back to one). */
  failed: 'failed',
  /** Bytes of audio appended to the log so far (the client's frames, counted once logged). */
  received: 'received',
  /** Byte offset below which every word is final (and the log may be trimmed). */
  finalized: 'finalized',
  /** `open`, `closing` (CloseStream logged), `closed` (every byte finalized), `failed` (terminal). */
  status: 'status',
  /** Epoch ms the session started. */
  created: 'created',
  /** Tenant of the session (also in its key), for views across sessions. */
  tenant: 'tenant',
  /**
   * The router connection (socket) that holds the session now; a resumed socket takes it over, so
   * the resume window's close of a socket that went away does not end a resumed session.
   */
  attached: 'attached',
} as const;

export const LIVE_STATUSES = ['open', 'closing', 'closed', 'failed'] as const;
export type LiveStatus = (typeof LIVE_STATUSES)[number];

/**
 * A live jobs stream entry (`KeyScheme.liveJobsStream`): "session X, assignment `epoch`, needs a
 * worker of this provider". The worker that reads it takes the session's lease for that epoch;
 * a job whose epoch is no longer the session's is acknowledged and dropped.
 */
export const LIVE_JOB_FIELDS = {
  tenant: 'tenant',
  session: 'session',
  epoch: 'epoch',
} as const;

/** The consumer group every provider's live workers read their jobs stream with. */
export const LIVE_JOBS_GROUP = 'live-workers';
