import type { ListenV1Response } from '@deepgram/sdk';
import { createHash } from 'node:crypto';
import { HeardWords, ListenAudio } from './listen-audio';
import { ListenQuery, queryFlag, queryValue } from './listen-query';

export interface ListenResponseInput {
  requestId: string;
  body: Buffer;
  audio: ListenAudio;
  query: ListenQuery;
  /** The spoken text, as written (with its capitals and punctuation); or the words heard, with their times. */
  transcript: string | HeardWords;
}

// Word entries as Deepgram sends them; the SDK's type omits `punctuated_word`.
interface FakeWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word?: string;
  speaker?: number;
}

const CONFIDENCE = 0.99;
const UNNAMED_MODEL = 'base';

/**
 * A pre-recorded transcription response of Deepgram's shape: metadata (request id, the body's
 * sha256, duration, channels, model) and one channel with one alternative. Words are spread
 * evenly over the audio. With `punctuate` or `smart_format` the transcript keeps the text as
 * written and words carry `punctuated_word`; without, it is lower-cased and unpunctuated, as
 * Deepgram's is. `diarize` puts every word on speaker 0; `detect_language` adds
 * `detected_language` (the `language` asked for, else `en`).
 */
export function listenResponse(input: ListenResponseInput): ListenV1Response {
  const { audio, query } = input;
  const punctuated = queryFlag(query, 'punctuate') || queryFlag(query, 'smart_format');
  const diarize = queryFlag(query, 'diarize');
  const words =
    typeof input.transcript === 'string'
      ? timedWords(input.transcript, audio.durationSeconds, punctuated, diarize)
      : input.transcript.words.map(({ word, start, end }) => ({
          word,
          start: roundMs(start),
          end: roundMs(end),
          confidence: CONFIDENCE,
          ...(punctuated ? { punctuated_word: word } : {}),
          ...(diarize ? { speaker: 0 } : {}),
        }));
  const transcript = words.map((w) => w.punctuated_word ?? w.word).join(' ');
  const model = queryValue(query, 'model') ?? UNNAMED_MODEL;
  const modelId = uuidFrom(model);
  return {
    metadata: {
      transaction_key: 'deprecated',
      request_id: input.requestId,
      sha256: createHash('sha256').update(input.body).digest('hex'),
      created: new Date().toISOString(),
      duration: audio.durationSeconds,
      channels: audio.channels,
      models: [modelId],
      model_info: { [modelId]: { name: model, version: 'fake', arch: model } },
    },
    results: {
      channels: [
        {
          alternatives: [{ transcript, confidence: words.length > 0 ? CONFIDENCE : 0, words }],
          ...(queryFlag(query, 'detect_language')
            ? { detected_language: queryValue(query, 'language') ?? 'en' }
            : {}),
        },
      ],
    },
  };
}

function timedWords(text: string, duration: number, punctuated: boolean, diarize: boolean): FakeWord[] {
  const tokens = text
    .split(/\s+/)
    .map((token) => ({ token, word: token.toLowerCase().replace(/[^\p{L}\p{N}'-]/gu, '') }))
    .filter(({ word }) => word !== '');
  const slot = tokens.length > 0 ? duration / tokens.length : 0;
  return tokens.map(({ token, word }, i) => ({
    word,
    start: roundMs(i * slot),
    end: roundMs((i + 1) * slot),
    confidence: CONFIDENCE,
    ...(punctuated ? { punctuated_word: token } : {}),
    ...(diarize ? { speaker: 0 } : {}),
  }));
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** A stable UUID-shaped id per model name, as Deepgram gives each model a UUID. */
export function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
