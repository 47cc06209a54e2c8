import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ChunkIngestQuery } from '@streamscribe/contracts';
import { ChunkAccepted, TranscriptionRouterService, validateAudioBody } from '@streamscribe/router-core';
import type { Transcript } from '@streamscribe/sessions';

@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly router: TranscriptionRouterService) {}

  /** 202 once Redis acknowledged the chunk; 200 when this chunkId was accepted before. */
  @Post(':sessionId/chunks')
  @HttpCode(202)
  async postChunk(
    @Param('sessionId') sessionId: string,
    @Query() query: ChunkIngestQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() rawBody: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChunkAccepted> {
    const { body, audio } = validateAudioBody(rawBody, contentType);
    const accepted = await this.router.ingestChunk(sessionId, body, audio, query);
    if (accepted.duplicate) response.status(200);
    return accepted;
  }

  @Get(':sessionId/transcript')
  transcript(@Param('sessionId') sessionId: string): Promise<Transcript> {
    return this.router.transcript(sessionId);
  }
}
