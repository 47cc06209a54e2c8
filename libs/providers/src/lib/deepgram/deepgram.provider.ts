import { Deepgram, DeepgramClient, DeepgramError, DeepgramTimeoutError } from '@deepgram/sdk';
import type { ProviderAudio } from '@streamscribe/audio';
import type { WordTiming } from '@streamscribe/contracts';
import { ProviderError, kindForStatus, parseRetryAfter } from '../provider-error';
import { clamp01 } from '../shared/clamp01';
import { CredentialWatch } from '../shared/credential-watch';
import { audioFor, reconcileDuration } from '../shared/provider-audio';
import {
  ProviderCapabilities,
  ProviderTranscript,
  TranscriptionProvider,
  TranscriptionRequest,
} from '../transcription-provider';
import { DEEPGRAM_DEFAULT_MAX_AUDIO_SECONDS, DeepgramProviderOptions } from './deepgram-provider.options';

interface DeepgramWord {
  word: string;
  punctuated_word?: string;
  start: number;
  end: number;
  confidence: number;
  speaker?: number;
}

interface DeepgramAlternative {
  transcript?: string;
  confidence?: number;
  words?: DeepgramWord[];
}

interface DeepgramListenResponse {
  metadata?: { request_id?: string; duration?: number };
  results?: { channels?: Array<{ alternatives?: DeepgramAlternative[]; detected_language?: string }> };
}

/**
 * Deepgram pre-recorded transcription through the official SDK (v5,
 * `listen.v1.media.transcribeFile`). The SDK's own retries are off: the worker owns the one retry
 * loop, so attempts, backoff and failover are counted in one place.
 */
export class DeepgramProvider implements TranscriptionProvider {
  readonly name = 'deepgram' as const;
  readonly capabilities: ProviderCapabilities;
  private readonly client: DeepgramClient;
  private readonly credentials = new CredentialWatch('deepgram', 'DEEPGRAM_API_KEY');

  constructor(private readonly options: DeepgramProviderOptions) {
    this.capabilities = {
      languages: 'any',
      diarization: true,
      wordTimestamps: true,
      streaming: true,
      maxAudioSeconds: options.maxAudioSeconds ?? DEEPGRAM_DEFAULT_MAX_AUDIO_SECONDS,
    };
    this.client = new DeepgramClient({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      maxRetries: 0,
      timeoutInSeconds: options.timeoutMs / 1000,
    });
  }

  credentialsProblem(): string | undefined {
    return this.credentials.current();
  }

  async transcribe(request: TranscriptionRequest): Promise<ProviderTranscript> {
    const audio = audioFor(this.name, request, this.capabilities.maxAudioSeconds);
    const query = this.queryFor(request);
    let response: DeepgramListenResponse;
    // The SDK's own timeout stops at the response headers; this one also bounds a stalled body.
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      response = (await this.client.listen.v1.media.transcribeFile(
        { data: audio.body, contentType: audio.contentType },
        query,
        { abortSignal: deadline },
      )) as DeepgramListenResponse;
    } catch (error) {
      throw this.credentials.observe(
        deadline.aborted ? deepgramTimeout(error) : classifyDeepgramError(error),
      );
    }
    this.credentials.succeeded();
    // Priced on the model asked for: model_info names are Deepgram's internal ones.
    return toTranscript(response, audio, query.model);
  }

  /** The chunk's options over the worker's settings, as Deepgram's query parameters. */
  private queryFor(request: TranscriptionRequest): Deepgram.listen.v1.MediaTranscribeRequestOctetStream {
    const opts = request.options ?? {};
    const model = opts.model ?? this.options.model;
    const language = opts.detectLanguage ? undefined : (request.language ?? this.options.language);
    const terms = [...(this.options.keyterms ?? []), ...(opts.keywords ?? [])];
    return {
      model: model as Deepgram.listen.v1.MediaTranscribeRequestModel,
      punctuate: opts.punctuate ?? this.options.punctuate,
      smart_format: opts.smartFormat ?? this.options.smartFormat,
      ...(language ? { language } : { detect_language: true }),
      ...((opts.diarize ?? this.options.diarize) ? { diarize: true } : {}),
      ...((opts.utterances ?? this.options.utterances) ? { utterances: true } : {}),
      // Nova-3 takes `keyterm` and rejects `keywords`; older models only know `keywords`.
      ...(terms.length === 0 ? {} : model.startsWith('nova-3') ? { keyterm: terms } : { keywords: terms }),
    };
  }
}

function toTranscript(
  response: DeepgramListenResponse,
  audio: ProviderAudio,
  model: string | undefined,
): ProviderTranscript {
  const channel = response.results?.channels?.[0];
  const best = channel?.alternatives?.[0];
  if (!best) {
    throw new ProviderError(
      'Deepgram answered without a transcript (no results.channels[0].alternatives[0])',
      {
        provider: 'deepgram',
        kind: 'retryable',
        requestId: response.metadata?.request_id,
      },
    );
  }
  const words: WordTiming[] = (best.words ?? []).map((w) => ({
    word: w.punctuated_word ?? w.word,
    start: w.start,
    end: w.end,
    confidence: w.confidence,
    ...(w.speaker === undefined ? {} : { speaker: w.speaker }),
  }));
  const requestId = response.metadata?.request_id;
  return {
    text: best.transcript ?? '',
    confidence: clamp01(best.confidence ?? 0),
    words,
    language: channel?.detected_language,
    durationSeconds: reconcileDuration('deepgram', audio, response.metadata?.duration, requestId),
    model,
    requestId,
    raw: response,
  };
}

function deepgramTimeout(cause: unknown): ProviderError {
  return new ProviderError('Deepgram timed out (DEEPGRAM_TIMEOUT_MS)', {
    provider: 'deepgram',
    kind: 'retryable',
    cause,
  });
}

export function classifyDeepgramError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  // SDK 5 aborts a slow request with the string 'timeout' as the cause, not a DeepgramTimeoutError.
  if (error instanceof DeepgramTimeoutError || (error instanceof DeepgramError && error.cause === 'timeout'))
    return deepgramTimeout(error);
  if (error instanceof DeepgramError && error.statusCode !== undefined) {
    const headers = error.rawResponse?.headers;
    const body = error.body as { err_msg?: string; err_code?: string; request_id?: string } | undefined;
    const requestId = headers?.get('dg-request-id') ?? body?.request_id ?? error.requestId;
    const detail = body?.err_msg ?? body?.err_code ?? error.message.split('\n')[0];
    return new ProviderError(`Deepgram answered ${error.statusCode}: ${detail}${hintFor(error.statusCode)}`, {
      provider: 'deepgram',
      kind: kindForStatus(error.statusCode),
      statusCode: error.statusCode,
      retryAfterMs: parseRetryAfter(headers?.get('retry-after')),
      requestId: requestId ?? undefined,
      cause: error,
    });
  }
  // No status: the request never got an answer (connection refused or reset, DNS). Retryable.
  // Classified on status and cause only: undici's errors come from another realm under Jest.
  const cause = (error as { cause?: { cause?: { code?: string } } }).cause;
  const message = cause?.cause?.code ?? (error instanceof Error ? error.message : String(error));
  return new ProviderError(`Deepgram unreachable: ${message}`, {
    provider: 'deepgram',
    kind: 'retryable',
    cause: error,
  });
}

function hintFor(statusCode: number): string {
  if (statusCode === 401 || statusCode === 403) return ' (check DEEPGRAM_API_KEY)';
  return '';
}
