import { Body, Controller, Headers, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TranscriptionQuery } from '@streamscribe/contracts';
import {
  AudioIntake,
  clientGone,
  ROUTER_ENVIRONMENT,
  RouterEnvironment,
  TranscriptionRouterService,
} from '@streamscribe/router-core';
import { tenantOf } from '@streamscribe/quotas';

@Controller('v1/transcriptions')
export class TranscriptionsController {
  constructor(
    private readonly router: TranscriptionRouterService,
    private readonly intake: AudioIntake,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
  ) {}

  /**
   * A whole file, split into chunks. Without `wait`: 202 with the session id. With `wait=true`:
   * 200 with the transcript once complete, or 202 with what is done when the wait runs out.
   * With `consensus=a,b,c` every chunk goes to each listed provider and the complete answer adds
   * the consensus report (combined text, each provider's hypothesis, agreement).
   */
  @Post()
  @HttpCode(202)
  async transcribe(
    @Query() query: TranscriptionQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() rawBody: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { body, audio } = await this.intake.read(rawBody, contentType, 'file', clientGone(response));
    const accepted = await this.router.transcribeFile(body, audio, query, tenantOf(request));
    const transcriptUrl = `/v1/sessions/${accepted.sessionId}/transcript`;
    response.setHeader('Location', transcriptUrl);
    if (!query.wait) return { ...accepted, transcriptUrl };
    const transcript = await this.router.waitForTranscript(
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
      consensus: await this.router.consensusReport(accepted.sessionId),
    };
  }
}
