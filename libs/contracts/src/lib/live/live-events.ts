import type { ProviderName } from '../providers';

/** One word of a live result, on the session's clock (seconds from the session's first byte). */
export interface LiveWord {
  word: string;
  /** The word as shown with punctuation and casing, when the provider gives it. */
  punctuatedWord?: string;
  start: number;
  end: number;
  confidence: number;
  speaker?: number;
}

/** Why a live worker gave a session up (`failed` events). */
export const LIVE_FAILURE_CODES = [
  'provider_dropped', // the provider's socket closed without being asked
  'provider_stalled', // no answer from the provider within LIVE_STALL_MS while audio was owed one
  'provider_error', // the provider answered with an error (1011, a 5xx at connect, …)
  'provider_refused', // the provider refused the worker's credentials or the options (permanent for this provider)
  'worker_lost', // the owner's lease lapsed (written by the router that noticed)
  'worker_draining', // the worker is shutting down and handed the session back
] as const;
export type LiveFailureCode = (typeof LIVE_FAILURE_CODES)[number];

/** Fields every event carries: which assignment (epoch) and provider it came from. */
interface Stamped {
  /** The assignment that wrote it; the router drops events of an epoch that is no longer current. */
  epoch: number;
  provider: ProviderName;
}

/**
 * What a live session's events stream (`KeyScheme.liveEventsKey`) holds, as JSON in field
 * `LIVE_EVENT_FIELD`. Times are seconds on the session's clock: a worker re-anchors what its
 * provider says (relative to the provider connection's first byte) by the offset it replayed from.
 */
export type LiveEvent =
  | (Stamped & {
      type: 'results';
      isFinal: boolean;
      /** The provider detected the end of an utterance (endpointing). */
      speechFinal: boolean;
      /** This final answers the client's Finalize. */
      fromFinalize: boolean;
      start: number;
      duration: number;
      transcript: string;
      confidence: number;
      words: LiveWord[];
      model?: string;
      language?: string;
    })
  | (Stamped & { type: 'speech_started'; timestamp: number })
  | (Stamped & { type: 'utterance_end'; lastWordEnd: number })
  /** A worker took the session over and replays from `resumeFrom` seconds. */
  | (Stamped & { type: 'started'; worker: string; resumeFrom: number })
  /** The worker gave the session up; the router reassigns it (next provider, or another worker). */
  | (Stamped & { type: 'failed'; worker?: string; code: LiveFailureCode; reason: string })
  /** Written by the router when it reassigns: `epoch`/`provider` are the new assignment's. */
  | (Stamped & {
      type: 'failover';
      from: ProviderName;
      code: LiveFailureCode;
      reason: string;
      resumeFrom: number;
    })
  /** Every byte up to the client's CloseStream is finalized: the session is over. */
  | (Stamped & { type: 'closed'; duration: number })
  /** Terminal: nothing can serve the session (every provider failed, or the audio was refused). */
  | (Stamped & { type: 'error'; code: string; message: string });

export type LiveEventType = LiveEvent['type'];

/** The single field of an events-stream entry: the event as JSON. */
export const LIVE_EVENT_FIELD = 'e';

export function encodeLiveEvent(event: LiveEvent): string {
  return JSON.stringify(event);
}

/** The event in an entry's `e` field, or undefined when it is not a well-formed event. */
export function decodeLiveEvent(json: string | undefined): LiveEvent | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as Partial<LiveEvent>;
    if (!value || typeof value !== 'object' || typeof value.type !== 'string') return undefined;
    if (typeof value.epoch !== 'number' || typeof value.provider !== 'string') return undefined;
    return value as LiveEvent;
  } catch {
    return undefined;
  }
}
