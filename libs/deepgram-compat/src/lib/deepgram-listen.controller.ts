import { Controller, HttpException, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@streamscribe/auth';
import { KeyScheme, TranscriptionQuery, tenantOfRequest } from '@streamscribe/contracts';
import {
  retryAfterOf,
  IdempotencyStore,
  IdempotentAnswer,
  ROUTER_ENVIRONMENT,
  ROUTER_REDIS,
  RouterEnvironment,
  replayHeaders,
  sha256,
  StreamingUploads,
  TranscriptionRouterService,
  UploadSlots,
  clientGone,
} from '@streamscribe/router-core';
import { parseDeepgramQuery } from './deepgram-query';
import { deepgramError, deepgramPrerecordedResponse } from './deepgram-prerecorded';

/**
 * Deepgram's prerecorded API: `POST /v1/listen?<Deepgram params>` with the audio as the body
 * (WAV, compressed formats by Content-Type, or raw with `encoding=linear16&sample_rate=…`). The
 * file takes the whole-file path (split, routed, failed over like POST /v1/transcriptions); the
 * answer waits for the transcript and has Deepgram's shape. A JSON body `{url}` is refused: this
 * service fetches no user-supplied URL.
 */
@ApiTags('deepgram-compatible')
@Controller('v1/listen')
export class DeepgramListenController {
  constructor(
    private readonly router: TranscriptionRouterService,
    private readonly uploads: StreamingUploads,
    private readonly slots: UploadSlots,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    @Inject(ROUTER_REDIS) redis: Redis,
    keys: KeyScheme,
  ) {
    this.idempotency = new IdempotencyStore(redis, keys, 'listen');
  }

  private readonly idempotency: IdempotencyStore;

  @ApiOperation({
    summary: "Deepgram's prerecorded API",
    description:
      "The audio as the body; waits for the transcript and answers in Deepgram's shape (`metadata`, `results.channels[].alternatives[]`). Errors in Deepgram's shape (`err_code`, `err_msg`, `request_id`). A JSON `{url}` body is refused: this service fetches no URL. The live API is the WebSocket upgrade of the same path. Scope `transcribe`.",
  })
  @ApiConsumes('audio/wav', 'audio/mpeg', 'audio/flac', 'audio/ogg', 'audio/webm', 'application/octet-stream')
  @ApiBody({ description: 'The audio bytes', schema: { type: 'string', format: 'binary' } })
  @ApiQuery({
    name: 'model',
    required: false,
    type: String,
    description: 'A Deepgram model (nova-3, …) or `auto`',
  })
  @ApiQuery({
    name: 'provider',
    required: false,
    enum: ['auto', 'deepgram', 'assemblyai', 'whisper', 'parakeet'],
    description: 'Our routing: a provider, or auto',
  })
  @ApiQuery({
    name: 'fallback',
    required: false,
    type: String,
    description: 'Comma list of providers to fail over to',
  })
  @ApiQuery({ name: 'language', required: false, type: String, description: 'BCP-47 language, or `multi`' })
  @ApiQuery({
    name: 'keyterm',
    required: false,
    type: String,
    isArray: true,
    description: 'Terms to boost (repeatable)',
  })
  @ApiQuery({ name: 'diarize', required: false, type: Boolean })
  @ApiQuery({ name: 'punctuate', required: false, type: Boolean })
  @ApiQuery({ name: 'smart_format', required: false, type: Boolean })
  @ApiQuery({
    name: 'encoding',
    required: false,
    enum: ['linear16'],
    description: 'Raw audio: linear16 with sample_rate and channels (absent: Content-Type says)',
  })
  @ApiQuery({ name: 'sample_rate', required: false, type: Number, description: 'Of raw audio, 8000-48000' })
  @ApiQuery({ name: 'channels', required: false, type: Number, description: 'Of raw audio, 1-8' })
  @ApiResponse({ status: 200, description: "The transcript in Deepgram's prerecorded shape" })
  @ApiResponse({ status: 400, description: "Invalid query or body (Deepgram's error shape)" })
  @ApiResponse({ status: 503, description: 'No provider could transcribe the audio' })
  @ApiResponse({ status: 504, description: 'The transcript was not complete in time' })
  @RequireScopes('transcribe')
  @Post()
  async listen(@Req() request: Request, @Res() response: Response): Promise<void> {
    const requestId = randomUUID();
    const tenant = tenantOfRequest(request as never);
    const idempotencyKey = request.headers['idempotency-key'];
    let claimed: { complete(answer: IdempotentAnswer): Promise<void>; release(): Promise<void> } | undefined;
    const fail = (status: number, message: string) => {
      if (claimed) claimed.release().catch(() => undefined);
      claimed = undefined;
      if (!request.complete) response.setHeader('Connection', 'close');
      response.setHeader('dg-request-id', requestId);
      response.status(status).json(deepgramError(status, message, requestId));
    };
    const params = new URL(request.originalUrl ?? request.url, 'http://router').searchParams;
    const contentType = request.headers['content-type'];
    if (contentType && /^application\/json\b/i.test(contentType))
      return fail(
        400,
        'a JSON body {"url": …} asks this service to fetch a URL, which it never does: send the audio itself as the body',
      );
    const parsed = parseDeepgramQuery(params);
    if (!parsed.ok) return fail(400, parsed.message);
    const { options } = parsed.request;
    const query = Object.assign(new TranscriptionQuery(), {
      sessionId: requestId,
      ...(options.provider ? { provider: options.provider } : {}),
      ...(options.fallback ? { fallback: options.fallback.join(',') } : {}),
      ...(options.language && options.language !== 'multi' ? { language: options.language } : {}),
      ...(options.diarize !== undefined ? { diarize: options.diarize } : {}),
      ...(options.keyterms.length > 0 ? { keywords: options.keyterms.join(',') } : {}),
      // Real time is a live session's default, not a file's.
      realTimeRequired: params.has('realTimeRequired') ? options.hints.realTimeRequired : false,
      accuracyCritical: options.hints.accuracyCritical,
      costSensitive: options.hints.costSensitive,
    });
    const problem = query.fallbackProblem() ?? query.keywordsProblem();
    if (problem) return fail(400, problem);
    // Raw audio is described by the query (Deepgram's way); otherwise the Content-Type says.
    const { format } = options;
    const bodyType = params.has('encoding')
      ? format.encoding === 'linear16'
        ? `audio/l16; rate=${format.sampleRate}; channels=${format.channels}`
        : undefined
      : contentType && !/^application\/octet-stream\b/i.test(contentType)
        ? contentType
        : 'audio/wav';
    if (!bodyType)
      return fail(400, 'encoding=mulaw is accepted on the live stream only; send WAV or linear16 here');
    const created = Date.now();
    try {
      let body = request;
      if (typeof idempotencyKey === 'string') {
        // The same key, query, type and body within 24 h: the first answer, nothing transcribed again.
        const fingerprint = sha256(JSON.stringify([params.toString(), contentType ?? '']));
        const begun = await this.idempotency.beginUpload(
          tenant,
          idempotencyKey,
          fingerprint,
          request,
          this.env.MAX_FILE_BYTES,
        );
        if (begun.kind === 'refused') return fail(begun.status, begun.message);
        if (begun.kind === 'replay') {
          replayHeaders(response, begun.answer);
          response.type(begun.answer.contentType).send(begun.answer.body);
          return;
        }
        body = begun.request;
        claimed = begun;
      }
      response.once('close', this.slots.acquire(tenant));
      const upload = await this.uploads.open(body, bodyType, this.env.CHUNK_SECONDS, clientGone(response));
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
        );
      if (transcript.failedCount > 0 && transcript.resultCount === transcript.failedCount)
        return fail(503, 'no provider could transcribe the audio');
      const answer = JSON.stringify(
        deepgramPrerecordedResponse({
          transcript,
          created,
          durationSeconds: accepted.durationSeconds,
          channels: format.channels,
          provider: accepted.provider,
          options,
        }),
      );
      if (claimed) {
        const done = claimed;
        claimed = undefined;
        await done.complete({
          status: 200,
          contentType: 'application/json',
          body: answer,
          headers: { 'dg-request-id': requestId },
        });
      }
      response.setHeader('dg-request-id', requestId);
      response.status(200).type('application/json').send(answer);
    } catch (error) {
      if (error instanceof HttpException) {
        // Refusals that know when a retry can succeed (admission control, a replication shortfall) say so.
        const retryAfter = retryAfterOf(error);
        if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
        const body = error.getResponse();
        const message =
          typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
        return fail(error.getStatus(), Array.isArray(message) ? message.join('; ') : String(message));
      }
      if (claimed) claimed.release().catch(() => undefined);
      throw error;
    }
  }
}
