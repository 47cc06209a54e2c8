import type { LiveSessionOptions, ProviderName } from '@streamscribe/contracts';
import type { ProviderError } from '../provider-error';

/**
 * One word as a live provider connection reports it: seconds from the connection's first audio
 * byte. The live worker re-anchors these onto the session's clock (it knows where it replayed from).
 */
export interface LiveProviderWord {
  word: string;
  punctuatedWord?: string;
  start: number;
  end: number;
  confidence: number;
  speaker?: number;
}

/** What a live provider connection reports, times relative to the connection's first audio byte. */
export type LiveTranscriberEvent =
  | {
      type: 'transcript';
      isFinal: boolean;
      speechFinal: boolean;
      fromFinalize: boolean;
      start: number;
      duration: number;
      transcript: string;
      confidence: number;
      words: LiveProviderWord[];
      model?: string;
      language?: string;
    }
  | { type: 'speech_started'; timestamp: number }
  | { type: 'utterance_end'; lastWordEnd: number };

export interface LiveConnectionHandlers {
  onEvent(event: LiveTranscriberEvent): void;
  /**
   * The connection failed and will say nothing more: dropped, closed with an error, refused the
   * credentials. `retryable` errors send the session to another worker or the next provider;
   * `permanent` ones mark the provider failed for the session. Called at most once, never after
   * `close()` resolved or `abort()`.
   */
  onFailure(error: ProviderError): void;
}

/** One open streaming connection to a provider, for one assignment of one live session. */
export interface LiveConnection {
  /** Audio in the session's format; sent in order, buffered while the provider is not ready. */
  send(audio: Buffer): void;
  /** Flush: the provider finalizes what it has (Deepgram `Finalize`); its next final has `fromFinalize`. */
  finalize(): void;
  /** End of audio: resolves once the provider sent its last results and closed (CloseStream). */
  close(): Promise<void>;
  /** Drop the connection now, reporting nothing more (failover, drain, lease lost). */
  abort(): void;
  /**
   * Seconds of this connection's audio the provider has processed, answered or not: optional, for
   * transcribers that say nothing over silence (server-side segmentation: VAD finds no speech, so
   * no result comes). The worker counts a provider as stalled only while audio beyond both this
   * and its last result's end is owed an answer; without it, only results count (Deepgram and
   * AssemblyAI answer silence with empty results).
   */
  processedSeconds?(): number;
}

/**
 * A provider's live (streaming) transcription: Deepgram and AssemblyAI through their SDKs'
 * streaming clients, Whisper and Parakeet through server-side segmentation (Silero VAD cuts
 * utterances, the batch model decodes them). A worker app serves live sessions when its module
 * provides one under `LIVE_TRANSCRIBER`.
 */
export interface LiveTranscriber {
  readonly name: ProviderName;
  /**
   * Opens a connection; resolves once the provider accepted it (or rejects with a ProviderError:
   * `permanent` for refused credentials or options, `retryable` for the rest).
   */
  open(options: LiveSessionOptions, handlers: LiveConnectionHandlers): Promise<LiveConnection>;
  /** Releases what the transcriber holds (a model); called once the worker has drained. */
  close?(): Promise<void>;
}

export const LIVE_TRANSCRIBER = Symbol('LIVE_TRANSCRIBER');
