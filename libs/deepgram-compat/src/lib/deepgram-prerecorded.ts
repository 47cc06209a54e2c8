import type { LiveSessionOptions, ProviderName } from '@streamscribe/contracts';
import type { Transcript } from '@streamscribe/sessions';
import { modelUuid } from './deepgram-messages';

/** Deepgram's error body (REST, and the upgrade's 400). */
export interface DeepgramErrorBody {
  err_code: string;
  err_msg: string;
  request_id: string;
}

export function deepgramError(status: number, message: string, requestId: string): DeepgramErrorBody {
  const codes: Record<number, string> = {
    400: 'Bad Request',
    401: 'INVALID_AUTH',
    403: 'INSUFFICIENT_PERMISSIONS',
    404: 'NOT_FOUND',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'TOO_MANY_REQUESTS',
    503: 'SERVICE_UNAVAILABLE',
    504: 'GATEWAY_TIMEOUT',
  };
  return {
    err_code: codes[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request'),
    err_msg: message,
    request_id: requestId,
  };
}

interface DeepgramWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word?: string;
  speaker?: number;
}

/**
 * A finished whole-file transcript as Deepgram's prerecorded response: metadata (request_id =
 * the session id) and one channel, one alternative. Word times are the transcript's: already on the
 * file's clock (each chunk carries its offset in the file).
 */
export function deepgramPrerecordedResponse(input: {
  transcript: Transcript;
  created: number;
  durationSeconds: number;
  channels: number;
  provider: ProviderName | 'consensus';
  options: LiveSessionOptions;
}) {
  const { transcript } = input;
  const words: DeepgramWord[] = [];
  const confidences: number[] = [];
  const models = new Map<string, { name: string; version: string; arch: string }>();
  for (const chunk of transcript.chunks) {
    for (const w of chunk.words ?? [])
      words.push({
        word: w.word.toLowerCase(),
        start: round(w.start),
        end: round(w.end),
        confidence: w.confidence,
        ...(input.options.punctuate || input.options.smartFormat ? { punctuated_word: w.word } : {}),
        ...(w.speaker !== undefined ? { speaker: w.speaker } : {}),
      });
    if (chunk.confidence !== undefined) confidences.push(chunk.confidence);
    const name = chunk.model ?? input.options.model ?? `${chunk.provider ?? input.provider}-default`;
    models.set(modelUuid(name), { name, version: chunk.provider ?? '', arch: chunk.provider ?? '' });
  }
  const confidence = confidences.length > 0 ? confidences.reduce((a, b) => a + b, 0) / confidences.length : 0;
  return {
    metadata: {
      transaction_key: 'deprecated',
      request_id: transcript.sessionId,
      sha256: '',
      created: new Date(input.created).toISOString(),
      duration: round(input.durationSeconds),
      channels: input.channels,
      models: [...models.keys()],
      model_info: Object.fromEntries(models),
    },
    results: {
      channels: [{ alternatives: [{ transcript: transcript.text, confidence, words }] }],
    },
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
