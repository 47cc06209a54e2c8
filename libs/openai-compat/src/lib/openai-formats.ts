import type { Transcript } from '@streamscribe/sessions';
import { transcriptAs } from '@streamscribe/sessions';

export const OPENAI_RESPONSE_FORMATS = ['json', 'text', 'srt', 'vtt', 'verbose_json'] as const;
export type OpenAiResponseFormat = (typeof OPENAI_RESPONSE_FORMATS)[number];
export type TimestampGranularity = 'word' | 'segment';

/** OpenAI's error body. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAiError(
  status: number,
  message: string,
  param: string | null = null,
  code?: string,
): OpenAiErrorBody {
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : status === 429
          ? 'rate_limit_error'
          : status >= 500
            ? 'server_error'
            : 'invalid_request_error';
  return { error: { message, type, param, code: code ?? null } };
}

/** A finished transcript in the `response_format` asked for, with its media type. */
export function openAiTranscriptionBody(input: {
  transcript: Transcript;
  format: OpenAiResponseFormat;
  granularities: TimestampGranularity[];
  durationSeconds: number;
  language?: string;
}): { contentType: string; body: string } {
  const { transcript, format } = input;
  if (format === 'srt' || format === 'vtt' || format === 'text') return transcriptAs(transcript, format);
  const json = (value: unknown) => ({
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(value),
  });
  const usage = { type: 'duration', seconds: Math.ceil(input.durationSeconds) };
  if (format === 'json') return json({ text: transcript.text, usage });
  const done = transcript.chunks.filter((chunk) => chunk.status === 'ok' || chunk.text !== undefined);
  const language =
    input.language ??
    done.find((chunk) => chunk.language)?.language ??
    transcript.chunks[0]?.language ??
    'en';
  // Segments follow the chunks (each a stretch of the file on the session's clock).
  const granularities = input.granularities.length > 0 ? input.granularities : ['segment'];
  let id = 0;
  const segments = done
    .filter((chunk) => (chunk.text ?? '').trim() !== '')
    .map((chunk) => {
      const words = chunk.words ?? [];
      const start = chunk.start ?? words[0]?.start ?? 0;
      const end = chunk.end ?? words[words.length - 1]?.end ?? start;
      return {
        id: id++,
        seek: Math.round(start * 100),
        start: round(start),
        end: round(end),
        text: ` ${(chunk.text ?? '').trim()}`,
        tokens: [] as number[],
        temperature: 0,
        avg_logprob: chunk.confidence !== undefined ? round(Math.log(Math.max(chunk.confidence, 1e-6))) : 0,
        compression_ratio: 1,
        no_speech_prob: 0,
      };
    });
  const words = done.flatMap((chunk) =>
    (chunk.words ?? []).map((w) => ({ word: w.word, start: round(w.start), end: round(w.end) })),
  );
  return json({
    task: 'transcribe',
    language,
    duration: round(input.durationSeconds),
    text: transcript.text,
    ...(granularities.includes('segment') ? { segments } : {}),
    ...(granularities.includes('word') ? { words } : {}),
    usage,
  });
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
