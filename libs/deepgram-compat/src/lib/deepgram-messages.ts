import type { listen } from '@deepgram/sdk';
import { createHash } from 'node:crypto';
import type { LiveEvent, LiveSessionOptions, ProviderName } from '@streamscribe/contracts';

/** Our extra field on Results and Failover: where the message came from, for resume and debugging. */
export interface StreamscribeStamp {
  provider: ProviderName;
  epoch: number;
  /** The events-stream id: `resume_after=` takes it. */
  event_id: string;
  session_id: string;
}

export type DeepgramResults = listen.ListenV1Results & { streamscribe: StreamscribeStamp };

/** Failover, as its own text message (the SDK hands every JSON message to `message` handlers). */
export interface DeepgramFailover {
  type: 'Failover';
  from: ProviderName;
  to: ProviderName;
  reason: string;
  message: string;
  /** Seconds on the session clock the new provider replays from. */
  resume_from: number;
  streamscribe: StreamscribeStamp;
}

/** Metadata as Deepgram sends it when a stream closes, plus what the SDK's type omits. */
export type DeepgramMetadata = listen.ListenV1Metadata & {
  models: string[];
  model_info: Record<string, { name: string; version: string; arch: string }>;
};

/** Deepgram's close codes: normal end, bad data / policy, and server-side errors (NET-0001 idle, …). */
export const DEEPGRAM_CLOSE = {
  normal: 1000,
  policy: 1008,
  error: 1011,
} as const;

/** The reason Deepgram closes an idle stream with (1011). */
export const NET_0001 =
  'NET-0001: did not receive audio data or a text message within the timeout window (see https://dpgr.am/net0001)';

/** A stable UUID-shaped id for a model name (Deepgram's model_uuid). */
export function modelUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function modelName(event: { model?: string; provider: ProviderName }, options: LiveSessionOptions): string {
  return event.model ?? options.model ?? `${event.provider}-default`;
}

/** A `results` event as Deepgram's Results message. */
export function deepgramResults(
  event: Extract<LiveEvent, { type: 'results' }>,
  eventId: string,
  sessionId: string,
  options: LiveSessionOptions,
): DeepgramResults {
  const name = modelName(event, options);
  const channels = options.format.channels;
  return {
    type: 'Results',
    channel_index: [0, channels],
    duration: round(event.duration),
    start: round(event.start),
    is_final: event.isFinal,
    speech_final: event.speechFinal,
    from_finalize: event.fromFinalize,
    channel: {
      alternatives: [
        {
          transcript: event.transcript,
          confidence: event.confidence,
          ...(event.language ? { languages: [event.language] } : {}),
          words: event.words.map((w) => ({
            word: w.word,
            start: round(w.start),
            end: round(w.end),
            confidence: w.confidence,
            ...(w.punctuatedWord !== undefined ? { punctuated_word: w.punctuatedWord } : {}),
            ...(w.speaker !== undefined ? { speaker: w.speaker } : {}),
          })),
        },
      ],
    },
    metadata: {
      request_id: sessionId,
      model_info: { name, version: event.provider, arch: event.provider },
      model_uuid: modelUuid(name),
    },
    streamscribe: { provider: event.provider, epoch: event.epoch, event_id: eventId, session_id: sessionId },
  };
}

export function deepgramSpeechStarted(
  event: Extract<LiveEvent, { type: 'speech_started' }>,
): listen.ListenV1SpeechStarted {
  return { type: 'SpeechStarted', channel: [0], timestamp: round(event.timestamp) };
}

export function deepgramUtteranceEnd(
  event: Extract<LiveEvent, { type: 'utterance_end' }>,
): listen.ListenV1UtteranceEnd {
  return { type: 'UtteranceEnd', channel: [0, 1], last_word_end: round(event.lastWordEnd) };
}

export function deepgramFailover(
  event: Extract<LiveEvent, { type: 'failover' }>,
  eventId: string,
  sessionId: string,
): DeepgramFailover {
  return {
    type: 'Failover',
    from: event.from,
    to: event.provider,
    reason: event.code,
    message: event.reason,
    resume_from: round(event.resumeFrom),
    streamscribe: { provider: event.provider, epoch: event.epoch, event_id: eventId, session_id: sessionId },
  };
}

/** The Metadata message a closing stream ends with (request_id = the session id). */
export function deepgramMetadata(input: {
  sessionId: string;
  created: number;
  duration: number;
  options: LiveSessionOptions;
  providers: ProviderName[];
}): DeepgramMetadata {
  const names = input.providers.map((p) => input.options.model ?? `${p}-default`);
  const unique = [...new Set(names)];
  return {
    type: 'Metadata',
    transaction_key: 'deprecated',
    request_id: input.sessionId,
    sha256: '',
    created: new Date(input.created).toISOString(),
    duration: round(input.duration),
    channels: input.options.format.channels,
    models: unique.map(modelUuid),
    model_info: Object.fromEntries(
      unique.map((name, i) => [
        modelUuid(name),
        { name, version: input.providers[i] ?? '', arch: input.providers[i] ?? '' },
      ]),
    ),
  };
}

/** Seconds to the millisecond, as Deepgram gives them. */
function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
