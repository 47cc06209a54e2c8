import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ChunkIngestQuery } from '@streamscribe/contracts';
import {
  AudioIntake,
  clientGone,
  ChunkAccepted,
  ConsensusReport,
  SessionEventFeed,
  TranscriptionRouterService,
  resumePoint,
  streamSse,
} from '@streamscribe/router-core';
import { sessionIdProblem } from '@streamscribe/contracts';
import type { Transcript } from '@streamscribe/sessions';
import { LiveConnectionLimiter, tenantOf } from '@streamscribe/quotas';

@Controller('v1/sessions')
export class SessionsController {
  constructor(
    private readonly router: TranscriptionRouterService,
    private readonly intake: AudioIntake,
    private readonly feed: SessionEventFeed,
    private readonly liveConnections: LiveConnectionLimiter,
  ) {}

  /** 202 once Redis acknowledged the chunk; 200 when this chunkId was accepted before. */
  @Post(':sessionId/chunks')
  @HttpCode(202)
  async postChunk(
    @Param('sessionId') sessionId: string,
    @Query() query: ChunkIngestQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() rawBody: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChunkAccepted> {
    const { body, audio } = await this.intake.read(rawBody, contentType, 'chunk', clientGone(response));
    const accepted = await this.router.ingestChunk(sessionId, body, audio, query, tenantOf(request));
    if (accepted.duplicate) response.status(200);
    return accepted;
  }

  @Get(':sessionId/transcript')
  transcript(@Param('sessionId') sessionId: string): Promise<Transcript> {
    return this.router.transcript(sessionId);
  }

  /** Consensus chunks of the session: combined text, each provider's hypothesis, agreement. */
  @Get(':sessionId/consensus')
  consensus(@Param('sessionId') sessionId: string): Promise<ConsensusReport> {
    return this.router.consensusReport(sessionId);
  }

  /** No more chunks will come: the session is complete once each posted chunk has its result. */
  @Post(':sessionId/end')
  @HttpCode(200)
  end(@Param('sessionId') sessionId: string): Promise<{ sessionId: string; chunks: number }> {
    return this.router.endSession(sessionId);
  }

  /**
   * Server-Sent Events: each result as it lands, in audio order, then `final`. A client that
   * reconnects with `Last-Event-ID` (browsers do by themselves) gets what it missed, once.
   */
  @Get(':sessionId/events')
  async events(
    @Param('sessionId') sessionId: string,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('lastEventId') lastEventIdQuery: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const problem = sessionIdProblem(sessionId);
    if (problem) throw new BadRequestException(problem);
    const lastSeq = resumePoint(lastEventIdHeader ?? lastEventIdQuery);
    await this.feed.assertExists(sessionId);
    const admission = await this.liveConnections.acquire(tenantOf(request));
    if (!admission.admitted) throw admission.refusal;
    try {
      await streamSse(this.feed, sessionId, lastSeq, request, response);
    } finally {
      await admission.lease.release();
    }
  }
}
