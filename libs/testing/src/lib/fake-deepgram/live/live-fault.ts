/** When a scripted live failure strikes: after this much audio, or once a word is heard. */
export interface LiveTrigger {
  /** Milliseconds of audio received on the connection. */
  afterAudioMs?: number;
  /** A coded word (`spokenScript`), as written: strikes when its start arrives, mid-utterance. */
  word?: string;
}

/**
 * A failure the fake's live socket plays on one connection. Without `at` it strikes as soon as
 * the socket is open (`slow` and `refuse` apply to the whole connection).
 * - `drop`: the TCP connection is destroyed without a close frame (the client sees 1006).
 * - `stall`: the socket stays open but the fake answers nothing more, not even the idle close.
 * - `close`: a close frame with `code` (default 1011) and `reason`, as Deepgram's errors close.
 * - `refuse`: the upgrade is answered with HTTP `status` (default 401) and Deepgram's error body.
 * - `slow`: every message is sent `delayMs` late (in order).
 */
export type LiveFault =
  | { kind: 'drop'; at?: LiveTrigger }
  | { kind: 'stall'; at?: LiveTrigger }
  | { kind: 'close'; code?: number; reason?: string; at?: LiveTrigger }
  | { kind: 'refuse'; status?: number }
  | { kind: 'slow'; delayMs: number };

/** The faults played on an open socket (now, or when their trigger strikes). */
export function isSocketFault(
  fault: LiveFault,
): fault is Extract<LiveFault, { kind: 'drop' | 'stall' | 'close' }> {
  return fault.kind === 'drop' || fault.kind === 'stall' || fault.kind === 'close';
}

export const INTERNAL_ERROR_CLOSE = { code: 1011, reason: 'NET-0000: internal error (injected by the fake)' };

/** Deepgram's idle close: nothing from the client (audio or a text message) for too long. */
export const IDLE_CLOSE = {
  code: 1011,
  reason:
    'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001',
};
