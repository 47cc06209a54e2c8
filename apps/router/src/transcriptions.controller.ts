import { Controller, Headers, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TranscriptionQuery } from '@streamscribe/contracts';
import {
  clientGone,
  RequestTenant,
  ROUTER_ENVIRONMENT,
  RouterEnvironment,
  StreamingUploads,
  TranscriptionRouterService,
  UploadSlots,
} from '@streamscribe/router-core';
import { RequireScopes } from '@streamscribe/auth';
import { WebhookService } from '@streamscribe/webhooks';

@Controller('v1/transcriptions')
export class TranscriptionsController {
  constructor(
    private readonly router: TranscriptionRouterService,
    private readonly uploads: StreamingUploads,
    private readonly slots: UploadSlots,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly webhooks: WebhookService,
  ) {}

  /**
   * A whole file, split into chunks. Without `wait`: 202 with the session id. With `wait=true`:
   * 200 with the transcript once complete, or 202 with what is done when the wait runs out.
   * With `consensus=a,b,c` every chunk goes to each listed provider and the complete answer adds
   * the consensus report (combined text, each provider's hypothesis, agreement).
   * The body is split and queued while it arrives (see StreamingUploads), within the upload caps.
   */
  @RequireScopes('transcribe')
  @Post()
  @HttpCode(202)
  async transcribe(
    @RequestTenant() tenant: string,
    @Query() query: TranscriptionQuery,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
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
      if (!request.complete) response.setHeader('Connection', 'close');
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
