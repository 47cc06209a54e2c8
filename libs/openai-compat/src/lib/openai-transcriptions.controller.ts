import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Controller, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { compressedFormatOf, sniffCompressedFormat } from '@streamscribe/audio';
import { RequireScopes } from '@streamscribe/auth';
import { KeyScheme, TranscriptionQuery, tenantOfRequest } from '@streamscribe/contracts';
import {
  retryAfterOf,
  ROUTER_ENVIRONMENT,
  ROUTER_REDIS,
  RouterEnvironment,
  StreamingUploads,
  TranscriptionRouterService,
  UploadSlots,
  clientGone,
  IdempotencyStore,
  sha256,
} from '@streamscribe/router-core';

import { FormFile, fileAsUploadRequest, readMultipartForm } from './multipart-form';
import {
  OPENAI_RESPONSE_FORMATS,
  OpenAiResponseFormat,
  TimestampGranularity,
  openAiError,
  openAiTranscriptionBody,
} from './openai-formats';
import { parseOpenAiModel } from './openai-model';

const MEDIA_TYPE_OF_FORMAT: Record<string, string> = {
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  webm: 'audio/webm',
  mp3: 'audio/mpeg',
  aac: 'audio/aac',
};

/**
 * OpenAI's `POST /v1/audio/transcriptions` (multipart: file, model, language, prompt,
 * response_format, timestamp_granularities[]), answered from our whole-file path: the file is split,
 * routed and failed over like POST /v1/transcriptions, and the answer waits for the transcript.
 * Errors have OpenAI's shape `{error: {message, type, param, code}}`.
 */
@ApiTags('openai-compatible')
@Controller('v1/audio/transcriptions')
export class OpenAiTranscriptionsController {
  constructor(
    private readonly router: TranscriptionRouterService,
    private readonly uploads: StreamingUploads,
    private readonly slots: UploadSlots,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    @Inject(ROUTER_REDIS) redis: Redis,
    keys: KeyScheme,
  ) {
    this.idempotency = new IdempotencyStore(redis, keys, 'openai-transcriptions');
  }

  private readonly idempotency: IdempotencyStore;

  @ApiOperation({
    summary: "OpenAI's audio transcriptions API",
    description:
      "OpenAI's multipart shape: `file`, `model` (`auto`, `whisper-1` and OpenAI's other names mean our policy; a provider, `provider/model`, or `consensus:a,b,c`), `language`, `prompt` (terms to boost), `response_format` (json, text, srt, vtt, verbose_json), `timestamp_granularities[]` (word, segment). The file takes the whole-file path and the answer waits for the transcript. Errors in OpenAI's shape (`{error: {message, type, param, code}}`). `Idempotency-Key` replays the first answer. Scope `transcribe`.",
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'The audio file' },
        model: {
          type: 'string',
          description: 'auto, whisper-1, a provider, provider/model or consensus:a,b,c',
        },
        language: { type: 'string', description: 'BCP-47 language of the speech' },
        prompt: { type: 'string', description: 'Terms to boost: a comma list, or free text' },
        response_format: { type: 'string', enum: ['json', 'text', 'srt', 'vtt', 'verbose_json'] },
        'timestamp_granularities[]': { type: 'array', items: { type: 'string', enum: ['word', 'segment'] } },
      },
    },
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first answer for 24 h' })
  @ApiResponse({ status: 200, description: 'The transcript in the asked `response_format`' })
  @ApiResponse({ status: 400, description: "A bad field, in OpenAI's error shape" })
  @ApiResponse({ status: 413, description: 'The file is over MAX_FILE_BYTES' })
  @ApiResponse({ status: 422, description: 'The Idempotency-Key was used for a different request' })
  @RequireScopes('transcribe')
  @Post()
  async transcribe(@Req() request: Request, @Res() response: Response): Promise<void> {
    const requestId = randomUUID();
    const tenant = tenantOfRequest(request as never);
    const idempotencyKey = request.headers['idempotency-key'];
    let claimed: string | undefined;
    const fail = (status: number, message: string, param: string | null = null, code?: string) => {
      if (claimed !== undefined) this.idempotency.release(tenant, claimed).catch(() => undefined);
      claimed = undefined;
      if (!request.complete) response.setHeader('Connection', 'close');
      response.setHeader('x-request-id', requestId);
      response.status(status).json(openAiError(status, message, param, code));
    };
    if (!/^multipart\/form-data\b/i.test(request.headers['content-type'] ?? ''))
      return fail(400, 'send the request as multipart/form-data with the audio in the `file` field', 'file');
    try {
      response.once('close', this.slots.acquire(tenant));
      const form = await readMultipartForm(request, this.env.MAX_FILE_BYTES);
      const field = (name: string) => form.fields.get(name)?.[0];
      if (form.file) response.once('close', () => void form.file?.discard().catch(() => undefined));
      if (!form.file || form.file.size === 0)
        return fail(400, "the audio file is missing: send it in the 'file' field", 'file');
      const { file } = form;
      if (typeof idempotencyKey === 'string') {
        const problem = IdempotencyStore.problem(idempotencyKey);
        if (problem) return fail(400, problem, null, 'invalid_idempotency_key');
        const claim = await this.idempotency.claim(tenant, idempotencyKey, fingerprintOf(form.fields, file));
        if (claim.kind === 'mismatch')
          return fail(
            422,
            'this Idempotency-Key was used with a different request in the last 24 h: use a new key',
            null,
            'idempotency_key_reused',
          );
        if (claim.kind === 'in_progress')
          return fail(
            409,
            'a request with this Idempotency-Key is still being answered: retry later',
            null,
            'conflict',
          );
        if (claim.kind === 'replay') {
          const { answer } = claim;
          for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
          response.setHeader('idempotent-replayed', 'true');
          response.status(answer.status).type(answer.contentType).send(answer.body);
          return;
        }
        claimed = idempotencyKey;
      }
      const model = parseOpenAiModel(field('model'));
      if (!model.ok) return fail(400, model.message, 'model', 'model_not_found');
      const format = (field('response_format') ?? 'json') as OpenAiResponseFormat;
      if (!OPENAI_RESPONSE_FORMATS.includes(format))
        return fail(
          400,
          `response_format must be one of: ${OPENAI_RESPONSE_FORMATS.join(', ')}`,
          'response_format',
        );
      const granularities = [
        ...(form.fields.get('timestamp_granularities[]') ?? []),
        ...(form.fields.get('timestamp_granularities') ?? []),
      ];
      const unknown = granularities.find((g) => g !== 'word' && g !== 'segment');
      if (unknown !== undefined)
        return fail(400, "timestamp_granularities[] takes 'word' and 'segment'", 'timestamp_granularities[]');
      if (granularities.length > 0 && format !== 'verbose_json')
        return fail(
          400,
          'timestamp_granularities[] needs response_format=verbose_json',
          'timestamp_granularities[]',
        );
      const language = field('language')?.trim() || undefined;
      const prompt = field('prompt')?.trim();
      const { routing } = model;
      const query = Object.assign(new TranscriptionQuery(), {
        sessionId: requestId,
        ...(routing.kind === 'provider' ? { provider: routing.provider } : {}),
        ...(routing.kind === 'consensus' ? { consensus: routing.providers } : {}),
        ...(language ? { language } : {}),
        ...(prompt ? { keywords: promptKeywords(prompt) } : {}),
        ...(granularities.includes('word') ? { wordTimestamps: true } : {}),
      });
      const problem = query.consensusProblem() ?? query.keywordsProblem();
      if (problem) return fail(400, problem, problem.startsWith('keywords') ? 'prompt' : 'model');
      const mediaType = mediaTypeOf(file);
      const upload = await this.uploads.open(
        await fileAsUploadRequest(file, compressedFormatOf(mediaType) !== undefined),
        mediaType,
        this.env.CHUNK_SECONDS,
        clientGone(response),
      );
      const accepted = await this.router.transcribeFile(tenant, upload, query);
      const transcript = await this.router.waitForTranscript(
        tenant,
        accepted.sessionId,
        this.env.WAIT_TIMEOUT_MS,
      );
      if (!transcript.complete)
        return fail(
          504,
          `the transcript was not complete within ${this.env.WAIT_TIMEOUT_MS} ms; read it at /v1/sessions/${accepted.sessionId}/transcript`,
          null,
          'timeout',
        );
      if (transcript.failedCount > 0 && transcript.resultCount === transcript.failedCount)
        return fail(503, 'no provider could transcribe the audio', null, 'providers_unavailable');
      const answer = openAiTranscriptionBody({
        transcript,
        format,
        granularities: granularities as TimestampGranularity[],
        durationSeconds: accepted.durationSeconds,
        language,
      });
      const headers = { 'x-request-id': requestId, 'streamscribe-session-id': accepted.sessionId };
      if (claimed !== undefined)
        await this.idempotency.complete(tenant, claimed, fingerprintOf(form.fields, file), {
          status: 200,
          ...answer,
          headers,
        });
      claimed = undefined;
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      response.status(200).type(answer.contentType).send(answer.body);
    } catch (error) {
      if (error instanceof HttpException) {
        // Refusals that know when a retry can succeed (admission control, a replication shortfall) say so.
        const retryAfter = retryAfterOf(error);
        if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
        const body = error.getResponse();
        const message =
          typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
        const code = typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
        return fail(
          error.getStatus(),
          Array.isArray(message) ? message.join('; ') : String(message),
          error.getStatus() === 400 || error.getStatus() === 413 || error.getStatus() === 415 ? 'file' : null,
          typeof code === 'string' ? code : undefined,
        );
      }
      if (claimed !== undefined) this.idempotency.release(tenant, claimed).catch(() => undefined);
      throw error;
    }
  }
}

/** What the request asked: every field (sorted) and the file's bytes. */
function fingerprintOf(fields: Map<string, string[]>, file: FormFile): string {
  const sorted = [...fields.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(`${JSON.stringify(sorted)}\n${file.sha256}`);
}

/** The audio's media type: the bytes first (clients label files loosely), then the part's type and name. */
function mediaTypeOf(file: FormFile): string {
  if (file.head.length >= 12 && file.head.toString('latin1', 0, 4) === 'RIFF') return 'audio/wav';
  const sniffed = sniffCompressedFormat(file.head);
  if (sniffed) return MEDIA_TYPE_OF_FORMAT[sniffed];
  if (/^audio\//i.test(file.mimeType)) return file.mimeType;
  const extension = /\.([a-z0-9]+)$/i.exec(file.filename ?? '')?.[1]?.toLowerCase();
  const byExtension: Record<string, string> = {
    mp3: 'audio/mpeg',
    mpga: 'audio/mpeg',
    mpeg: 'audio/mpeg',
    m4a: 'audio/mp4',
    mp4: 'audio/mp4',
    webm: 'audio/webm',
    ogg: 'audio/ogg',
    oga: 'audio/ogg',
    flac: 'audio/flac',
  };
  return (extension && byExtension[extension]) || 'audio/wav';
}

/**
 * OpenAI's `prompt` is free text that steers the model's vocabulary; our providers take key terms.
 * A comma list is taken as it is; otherwise the prompt's words, without duplicates.
 */
export function promptKeywords(prompt: string): string {
  const terms = prompt.includes(',')
    ? prompt.split(',').map((term) => term.trim())
    : prompt.split(/\s+/).map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
  const seen = new Set<string>();
  return terms
    .filter((term) => term !== '' && !seen.has(term.toLowerCase()) && seen.add(term.toLowerCase()))
    .slice(0, 50)
    .join(',');
}
