import {
  Body,
  Controller,
  Delete,
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
import { ChunkIngestQuery, RoutingQuery, TranscriptPageQuery } from '@streamscribe/contracts';
import { AllowQueryToken, RequireScopes } from '@streamscribe/auth';
import {
  AudioIntake,
  CHUNK_BATCH_MEDIA_TYPE,
  ChunkBatchAccepted,
  ChunkBatchReader,
  chunkBatchStatus,
  clientGone,
  ChunkAccepted,
  ConsensusReport,
  RequestTenant,
  SessionEventFeed,
  TranscriptionRouterService,
  resumePoint,
  streamSse,
} from '@streamscribe/router-core';
import { pagedTranscript, transcriptAs } from '@streamscribe/sessions';
import type { Transcript, TranscriptPage } from '@streamscribe/sessions';
import { LiveConnectionLimiter } from '@streamscribe/quotas';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AUDIO_BODY, AUDIO_MEDIA_TYPES, ERROR_RESPONSES } from './openapi/openapi-shapes';
import { CHUNK_BATCH_BODY, CHUNK_BATCH_RESPONSES } from './openapi/chunk-batch-schemas';
import { WebhookService } from '@streamscribe/webhooks';

@ApiTags('sessions')
@Controller('v1/sessions')
export class SessionsController {
  constructor(
    private readonly router: TranscriptionRouterService,
    private readonly intake: AudioIntake,
    private readonly feed: SessionEventFeed,
    private readonly liveConnections: LiveConnectionLimiter,
    private readonly webhooks: WebhookService,
    private readonly batches: ChunkBatchReader,
  ) {}

  /** 202 once Redis acknowledged the chunk; 200 when this chunkId was accepted before. */
  @ApiOperation({
    summary: 'Add a chunk of audio to a session',
    description:
      'The body is the chunk (WAV, compressed, or JSON `{ audio: base64, … }`). Creates the session on its first chunk. Scope `transcribe`.',
  })
  @ApiConsumes(...AUDIO_MEDIA_TYPES, 'application/json')
  @ApiBody(AUDIO_BODY)
  @ApiResponse({ status: 202, description: 'Queued: `sessionId`, `chunkId`, `seq`, `provider`' })
  @ApiResponse({ status: 200, description: 'This chunkId was accepted before (`duplicate: true`)' })
  @ApiResponse(ERROR_RESPONSES[400])
  @ApiResponse(ERROR_RESPONSES[413])
  @ApiResponse(ERROR_RESPONSES[429])
  @ApiResponse(ERROR_RESPONSES[503])
  @RequireScopes('transcribe')
  @Post(':sessionId/chunks')
  @HttpCode(202)
  async postChunk(
    @RequestTenant() tenant: string,
    @Param('sessionId') sessionId: string,
    @Query() query: ChunkIngestQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() rawBody: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChunkAccepted> {
    const { body, audio } = await this.intake.read(rawBody, contentType, 'chunk', clientGone(response));
    const accepted = await this.router.ingestChunk(tenant, sessionId, body, audio, query);
    if (accepted.duplicate) response.status(200);
    return accepted;
  }

  /**
   * The batched ingest: many chunks of the session in one request, one quota charge, one routing
   * decision and one Lua call. 200 when every chunk is accepted, 207 when some were rejected.
   */
  @ApiOperation({
    summary: 'Add many chunks to a session in one request (batched ingest)',
    description:
      'Binary frames (`application/vnd.streamscribe.chunks`) or JSON with base64 audio; the query is the routing query of `/chunks` without `seq`, `offsetMs`, `chunkId` (per chunk in the body) and without `consensus`. Each chunk is checked, charged and queued as a single chunk is, and answered in `chunks[]` (accepted / duplicate / rejected with a code). Scope `transcribe`.',
  })
  @ApiConsumes(CHUNK_BATCH_MEDIA_TYPE, 'application/json')
  @ApiBody(CHUNK_BATCH_BODY)
  @ApiResponse(CHUNK_BATCH_RESPONSES[0])
  @ApiResponse(CHUNK_BATCH_RESPONSES[1])
  @ApiResponse(ERROR_RESPONSES[400])
  @ApiResponse(ERROR_RESPONSES[413])
  @ApiResponse(ERROR_RESPONSES[429])
  @ApiResponse(ERROR_RESPONSES[503])
  @RequireScopes('transcribe')
  @Post(':sessionId/chunks/batch')
  @HttpCode(200)
  async postChunkBatch(
    @RequestTenant() tenant: string,
    @Param('sessionId') sessionId: string,
    @Query() query: RoutingQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() rawBody: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChunkBatchAccepted> {
    this.router.session(tenant, sessionId);
    const { chunks, rejected } = await this.batches.read(rawBody, contentType, clientGone(response));
    const answer = await this.router.ingestChunkBatch(tenant, sessionId, chunks, rejected, query);
    response.status(chunkBatchStatus(answer));
    return answer;
  }

  /**
   * JSON: whole for up to TRANSCRIPT_PAGE_MAX chunks; paged with `?after=<seq>&limit=<n>` (see
   * pagedTranscript). `?format=srt|vtt|text`: the whole transcript as subtitles (cues on the
   * session's clock) or plain text.
   */
  @ApiOperation({
    summary: "A session's transcript",
    description:
      'JSON: whole for up to 1000 chunks; paged with `after` and `limit`. `format=srt|vtt|text`: the whole transcript as subtitles (cues on the session clock) or plain text. Scope `read`.',
  })
  @ApiProduces('application/json', 'application/x-subrip', 'text/vtt', 'text/plain')
  @ApiResponse({ status: 200, description: 'The transcript (or a page of it), or subtitles/text' })
  @ApiResponse(ERROR_RESPONSES[404])
  @RequireScopes('read')
  @Get(':sessionId/transcript')
  async transcript(
    @RequestTenant() tenant: string,
    @Param('sessionId') sessionId: string,
    @Query() page: TranscriptPageQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Transcript | TranscriptPage | string> {
    const transcript = await this.router.transcript(tenant, sessionId);
    if (!page.format || page.format === 'json') return pagedTranscript(transcript, page);
    const { contentType, body } = transcriptAs(transcript, page.format);
    response.type(contentType);
    return body;
  }

  /** Consensus chunks of the session: combined text, each provider's hypothesis, agreement. */
  @ApiOperation({
    summary: 'Consensus report',
    description:
      "The session's consensus chunks: combined text, each provider's hypothesis, agreement. Scope `read`.",
  })
  @ApiResponse({ status: 200, description: 'The consensus report' })
  @ApiResponse(ERROR_RESPONSES[404])
  @RequireScopes('read')
  @Get(':sessionId/consensus')
  consensus(
    @RequestTenant() tenant: string,
    @Param('sessionId') sessionId: string,
  ): Promise<ConsensusReport> {
    return this.router.consensusReport(tenant, sessionId);
  }

  /** No more chunks will come: the session is complete once each posted chunk has its result. */
  @ApiOperation({
    summary: 'End a session',
    description:
      'No more chunks will come: the session is complete once each posted chunk has its result. Scope `transcribe`.',
  })
  @ApiResponse({ status: 200, description: '`sessionId` and the number of `chunks`' })
  @ApiResponse(ERROR_RESPONSES[404])
  @RequireScopes('transcribe')
  @Post(':sessionId/end')
  @HttpCode(200)
  async end(
    @RequestTenant() tenant: string,
    @Param('sessionId') sessionId: string,
  ): Promise<{ sessionId: string; chunks: number }> {
    const ended = await this.router.endSession(tenant, sessionId);
    // The tenant's webhooks hear of it once its transcript is complete.
    await this.webhooks.watch(tenant, sessionId);
    return ended;
  }

  /**
   * Removes everything the session left: results, queued audio, failures, dead letters, its
   * entries in the global results feed. 404 for a session Redis does not hold (or another tenant's).
   */
  @ApiOperation({
    summary: 'Delete a session',
    description:
      'Removes everything the session left: results, queued audio, failures, dead letters, its entries in the results feed. Scope `transcribe`.',
  })
  @ApiResponse({ status: 200, description: 'What was removed' })
  @ApiResponse(ERROR_RESPONSES[404])
  @RequireScopes('transcribe')
  @Delete(':sessionId')
  @HttpCode(200)
  remove(@RequestTenant() tenant: string, @Param('sessionId') sessionId: string) {
    return this.router.deleteSession(tenant, sessionId);
  }

  /**
   * Server-Sent Events: each result as it lands, in audio order, then `final`. A client that
   * reconnects with `Last-Event-ID` (browsers do by themselves) gets what it missed, once.
   */
  @ApiOperation({
    summary: 'Results as Server-Sent Events',
    description:
      'Each result as it lands, in audio order, then `final`. A client that reconnects with `Last-Event-ID` gets what it missed, once. Takes `?token=` (a temporary token) for browsers. Scope `read`.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event' })
  @ApiQuery({
    name: 'lastEventId',
    required: false,
    type: String,
    description: 'Resume after this event (query form)',
  })
  @ApiQuery({
    name: 'token',
    required: false,
    type: String,
    description: 'A temporary token instead of the key',
  })
  @ApiResponse({ status: 200, description: 'An event stream' })
  @ApiResponse(ERROR_RESPONSES[404])
  @ApiResponse(ERROR_RESPONSES[429])
  @RequireScopes('read')
  @AllowQueryToken()
  @Get(':sessionId/events')
  async events(
    @RequestTenant() tenant: string,
    @Param('sessionId') sessionId: string,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('lastEventId') lastEventIdQuery: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const session = this.router.session(tenant, sessionId);
    const lastSeq = resumePoint(lastEventIdHeader ?? lastEventIdQuery);
    // The tenant's live-connection quota (across routers), then this router's caps on live feeds
    // (429/503) and 404 for an unknown session, before any header goes out.
    const admission = await this.liveConnections.acquire(tenant);
    if (!admission.admitted) throw admission.refusal;
    try {
      await streamSse(this.feed, { session, lastSeq }, request, response);
    } finally {
      await admission.lease.release();
    }
  }
}
