/** One word of a live result, as Deepgram sends it (seconds from the connection's first byte). */
export interface LiveWordMessage {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word?: string;
  speaker?: number;
}

/** The `metadata` block every live `Results` message carries. */
export interface LiveResultMetadata {
  request_id: string;
  model_info: { name: string; version: string; arch: string };
  model_uuid: string;
}

export interface LiveResultsMessage {
  type: 'Results';
  channel_index: [number, number];
  start: number;
  duration: number;
  is_final: boolean;
  speech_final: boolean;
  from_finalize: boolean;
  channel: { alternatives: Array<{ transcript: string; confidence: number; words: LiveWordMessage[] }> };
  metadata: LiveResultMetadata;
}

export interface SpeechStartedMessage {
  type: 'SpeechStarted';
  channel: [number];
  timestamp: number;
}

export interface UtteranceEndMessage {
  type: 'UtteranceEnd';
  channel: [number, number];
  last_word_end: number;
}

/** Sent once after `CloseStream`, before the server closes the socket with 1000. */
export interface LiveMetadataMessage {
  type: 'Metadata';
  transaction_key: string;
  request_id: string;
  sha256: string;
  created: string;
  duration: number;
  channels: number;
  models: string[];
  model_info: Record<string, { name: string; version: string; arch: string }>;
}

/** Everything the fake's live socket sends, in Deepgram's shapes. */
export type LiveServerMessage =
  LiveResultsMessage | SpeechStartedMessage | UtteranceEndMessage | LiveMetadataMessage;

/** Seconds rounded to the millisecond, as Deepgram's live times are. */
export function liveSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}
