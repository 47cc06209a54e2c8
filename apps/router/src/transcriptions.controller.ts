import { Controller, Headers, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type Redis from 'ioredis';
import { KeyScheme, TranscriptionQuery } from '@streamscribe/contracts';
import {
  clientGone,
  replayHeaders,
  IdempotencyStore,
  refusal,
  RequestTenant,
  ROUTER_REDIS,
  sha256,
  ROUTER_ENVIRONMENT,
  RouterEnvironment,
  StreamingUploads,
  TranscriptionRouterService,
  UploadSlots,
} from '@streamscribe/router-core';
import { RequireScopes } from '@streamscribe/auth';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AUDIO_BODY, AUDIO_MEDIA_TYPES, ERROR_RESPONSES } from './openapi/openapi-shapes';
import { WebhookService } from '@streamscribe/webhooks';

@ApiTags('transcriptions')
@Controller('v1/transcriptions')
export class TranscriptionsController {
  constructor(
    private readonly router: TranscriptionRouterService,
    private readonly uploads: StreamingUploads,
    private readonly slots: UploadSlots,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    @Inject(ROUTER_REDIS) redis: Redis,
    keys: KeyScheme,
    private readonly webhooks: WebhookService,
  ) {
    this.idempotency = new IdempotencyStore(redis, keys, 'transcriptions');
  }

  private readonly idempotency: IdempotencyStore;

  /**
   * With an `Idempotency-Key` header: the same key and request (query, type, body) within 24 h get
   * the first answer (same session) instead of new chunks; another request under the key is a 422.
   */
  @ApiOperation({
    summary: 'Transcribe a whole file',
    description:
      'The body is the audio (WAV, or a compressed format named by Content-Type). Without `wait`: 202 with the session id and `Location` of the transcript. With `wait=true`: 200 with the transcript once complete, or 202 with what is done when the wait runs out. Scope `transcribe`.',
  })
  @ApiConsumes(...AUDIO_MEDIA_TYPES)
  @ApiBody(AUDIO_BODY)
  @ApiResponse({
    status: 202,
    description:
      'Accepted: `sessionId`, `provider`, `chunks`, `transcriptUrl` (and the transcript so far with `wait=true`)',
  })
  @ApiResponse({
    status: 200,
    description: 'With `wait=true`: complete; the transcript (and `consensus` report when asked for)',
  })
  @ApiResponse(ERROR_RESPONSES[413])
  @ApiResponse(ERROR_RESPONSES[415])
  @ApiResponse(ERROR_RESPONSES[429])
  @ApiResponse(ERROR_RESPONSES[503])
  @RequireScopes('transcribe')
  @Post()
  @HttpCode(202)
  async transcribe(
    @RequestTenant() tenant: string,
    @Query() query: TranscriptionQuery,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey === undefined)
      return this.transcribeOnce(tenant, query, contentType, request, response);
    const queryString = (request.originalUrl ?? request.url).split('?')[1] ?? '';
    const fingerprint = sha256(JSON.stringify([queryString, contentType ?? '']));
    const begun = await this.idempotency.beginUpload(
      tenant,
      idempotencyKey,
      fingerprint,
      request,
      this.env.MAX_FILE_BYTES,
    );
    if (begun.kind === 'refused') throw refusal(begun.status, begun.code, begun.message);
    if (begun.kind === 'replay') {
      replayHeaders(response, begun.answer);
      return JSON.parse(begun.answer.body) as unknown;
    }
    try {
      const answer = await this.transcribeOnce(tenant, query, contentType, begun.request, response, request);
      await begun.complete({
        status: response.statusCode,
        contentType: 'application/json',
        body: JSON.stringify(answer),
        headers: { Location: String(response.getHeader('Location') ?? '') },
      });
      return answer;
    } catch (error) {
      await begun.release().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A whole file, split into chunks. Without `wait`: 202 with the session id. With `wait=true`:
   * 200 with the transcript once complete, or 202 with what is done when the wait runs out.
   * With `consensus=a,b,c` every chunk goes to each listed provider and the complete answer adds
   * the consensus report (combined text, each provider's hypothesis, agreement).
   * The body is split and queued while it arrives (see StreamingUploads), within the upload caps.
   */
  private async transcribeOnce(
    tenant: string,
    query: TranscriptionQuery,
    contentType: string | undefined,
    request: Request,
    response: Response,
    original: Request = request,
  ) {
    response.once('close', this.slots.acquire(tenant));
    let accepted;
    try {
      const chunkSeconds = query.chunkSeconds ?? this.env.CHUNK_SECONDS;
      const upload = await this.uploads.open(
        request,
        contentType,
        chunkSeconds,
        clientGone(response),
        query.cuts,
      );
      accepted = await this.router.transcribeFile(tenant, upload, query);
    } catch (error) {
      // Refused before the whole body was read: close the connection rather than drain the rest.
      if (!original.complete) response.setHeader('Connection', 'close');
      throw error;
    }
    // The tenant's webhooks hear of it once its transcript is complete.
    await this.webhooks.watch(tenant, accepted.sessionId);
    const transcriptUrl = `/v1/sessions/${accepted.sessionId}/transcript`;
    response.setHeader('Location', transcriptUrl);
    if (!query.wait) return { ...accepted, transcriptUrl };
    const transcript = await this.router.waitForTranscript(
      tenant,
      accepted.sessionId,
      query.timeoutMs ?? this.env.WAIT_TIMEOUT_MS,
    );
    if (transcript.complete) response.status(200);
    if (accepted.provider !== 'consensus' || !transcript.complete)
      return { ...accepted, transcriptUrl, transcript };
    return {
      ...accepted,
      transcriptUrl,
      transcript,
      consensus: await this.router.consensusReport(tenant, accepted.sessionId),
    };
  }
}
