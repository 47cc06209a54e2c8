import type { RoutingHints } from '../chunk-entry';
import type { ProviderName } from '../providers';

/** How a live session's binary frames are encoded (Deepgram's `encoding` names). */
export const LIVE_ENCODINGS = ['linear16', 'mulaw'] as const;
export type LiveEncoding = (typeof LIVE_ENCODINGS)[number];

export interface LiveAudioFormat {
  encoding: LiveEncoding;
  sampleRate: number;
  channels: number;
}

/** Bytes per second of a live session's audio: its offsets (bytes) ↔ its clock (ms). */
export function liveBytesPerSecond(format: LiveAudioFormat): number {
  const bytesPerSample = format.encoding === 'linear16' ? 2 : 1;
  return format.sampleRate * format.channels * bytesPerSample;
}

/** Milliseconds of session audio before byte offset `bytes`. */
export function liveOffsetMs(format: LiveAudioFormat, bytes: number): number {
  return (bytes * 1000) / liveBytesPerSecond(format);
}

/**
 * What a live session asks for, whichever provider serves it: parsed from Deepgram's query
 * parameters (and ours) by the router, stored in the session's state hash as JSON
 * (`LIVE_STATE_FIELDS.options`), read by every worker that takes the session over.
 */
export interface LiveSessionOptions {
  format: LiveAudioFormat;
  /** Send interim (`is_final: false`) results. */
  interimResults: boolean;
  /** Silence in ms that ends an utterance (`speech_final`); false: the provider's endpointing off. */
  endpointingMs: number | false;
  /** Send `UtteranceEnd` after this many ms without words; absent: never. */
  utteranceEndMs?: number;
  /** Send `SpeechStarted`. */
  vadEvents: boolean;
  /** BCP-47 language; absent: the provider's default. */
  language?: string;
  /** Terms to boost (Deepgram `keyterm`). */
  keyterms: string[];
  punctuate?: boolean;
  smartFormat?: boolean;
  diarize?: boolean;
  /**
   * The provider's model: set when the client named one (a bare Deepgram model name such as
   * `nova-3` means Deepgram with that model); absent: each provider's worker default.
   */
  model?: string;
  /** Explicit provider (`provider=`, or implied by a Deepgram model name); absent: routing chooses. */
  provider?: ProviderName;
  /** Where to go when the current provider fails, in order (`fallback=`); absent: the policy's chain. */
  fallback?: ProviderName[];
  hints: RoutingHints;
}
