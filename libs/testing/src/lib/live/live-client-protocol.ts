import type { ScriptedUtterance, SpokenScriptOptions } from './spoken-words';

/** What the live client process (live-client.main.ts) is told to do, as JSON in LIVE_CLIENT_CONFIG. */
export interface LiveClientConfig {
  /** Base URL of whatever speaks Deepgram's live protocol: http(s):// or ws(s)://, no path. */
  url: string;
  /** Sent as `Authorization: Token <apiKey>`. */
  apiKey: string;
  /** Query parameters of `/v1/listen` (Deepgram's and streamscribe's), as strings. */
  query: Record<string, string | string[]>;
  /** Streams run at once, each streaming the whole script. */
  streams: number;
  script: { utterances: ScriptedUtterance[]; options?: SpokenScriptOptions };
  sampleRate: number;
  /** Audio per binary frame. */
  frameMs: number;
  /** 1: real time; 2: twice as fast. */
  pace: number;
  /** Print a `frame` line for every frame sent (the chaos test times its kills by them). */
  reportFrames?: boolean;
  /** How long to wait for the server to close after CloseStream. */
  closeTimeoutMs: number;
}

/** One word of a result as the client got it (seconds, as Deepgram sends them). */
export interface LiveClientWord {
  word: string;
  start: number;
  end: number;
}

/** A `Results` message, condensed. */
export interface LiveClientResult {
  isFinal: boolean;
  speechFinal: boolean;
  fromFinalize: boolean;
  start: number;
  duration: number;
  transcript: string;
  words: LiveClientWord[];
  /**
   * Ms from sending the frame that carried the result's last byte to receiving the result, on
   * the client's clock.
   */
  latencyMs?: number;
  /** streamscribe's extra field (provider, epoch, event id, session id), when through the router. */
  streamscribe?: Record<string, unknown>;
}

/** One line the live client process prints; `t` is ms on its clock, `s` the stream (-1: the process). */
export type LiveClientLine = { t: number; s: number } & (
  | { ev: 'ready' }
  | { ev: 'open' }
  | { ev: 'frame'; frame: number; audioMs: number }
  | { ev: 'sent'; frames: number }
  | { ev: 'result'; result: LiveClientResult }
  /** Any other text message (Metadata, SpeechStarted, UtteranceEnd, Failover, …), as received. */
  | { ev: 'message'; type: string; raw: Record<string, unknown> }
  | { ev: 'close'; code: number; reason: string }
  | { ev: 'error'; message: string }
  | { ev: 'done' }
);
