import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { DeadLetter, DeadLetterListQuery, RedriveRequest, RequestAuth } from '@streamscribe/contracts';
import { Auth, AuditLog, RequireScopes } from '@streamscribe/auth';
import {
  AuthenticatedRequest,
  DeadLetterService,
  RequestAuthOf,
  tenantViewOfLetter,
  tenantViewOfPage,
  viewedTenant,
} from '@streamscribe/router-core';
import type { DeadLetterPage, RedriveOutcome } from '@streamscribe/fleet';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_RESPONSES } from './openapi/openapi-shapes';

/**
 * What is in `transcription:dead-letters`, and putting it back. A key without admin scope sees
 * (scope read) and re-drives (scope transcribe) its own tenant's letters only, with the reason as a
 * stable code and short message; an admin sees every tenant's with the provider's text, or one
 * tenant's with `?tenant=`.
 */
@ApiTags('dead letters')
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly audit: AuditLog,
  ) {}

  @ApiOperation({
    summary: 'List dead letters',
    description:
      "Chunks no provider could transcribe, a page at a time (`next` → `after`). A key without admin scope sees its own tenant's, with a stable reason code. Scope `read`.",
  })
  @ApiResponse({ status: 200, description: 'A page: `letters`, `next`' })
  @ApiResponse(ERROR_RESPONSES[400])
  @RequireScopes('read')
  @Get()
  async list(
    @RequestAuthOf() auth: AuthenticatedRequest,
    @Query() query: DeadLetterListQuery,
  ): Promise<DeadLetterPage> {
    const page = await this.deadLetters.list(query, viewedTenant(auth, query.tenant));
    return isAdmin(auth) ? page : tenantViewOfPage(page);
  }

  @ApiOperation({
    summary: 'One dead letter',
    description:
      'By its id as listed: `<entry id>`, or `<entry id>@<partition>` with `REDIS_PARTITIONS` > 1 (an entry id alone is looked for on every partition; 409 `ambiguous_dead_letter_id` when two have it). Scope `read`.',
  })
  @ApiResponse({ status: 200, description: 'The dead letter' })
  @ApiResponse(ERROR_RESPONSES[404])
  @ApiResponse(ERROR_RESPONSES[409])
  @RequireScopes('read')
  @Get(':id')
  async get(@RequestAuthOf() auth: AuthenticatedRequest, @Param('id') id: string): Promise<DeadLetter> {
    // An id that is no dead-letter id is no letter: 404, without asking Redis.
    const letter = await this.deadLetters.get(id, viewedTenant(auth));
    if (!letter) throw new NotFoundException(`no dead letter ${id}`);
    return isAdmin(auth) ? letter : tenantViewOfLetter(letter);
  }

  @ApiOperation({
    summary: 'Re-drive dead letters',
    description:
      "Puts the chunks back on a provider's queue: the listed `ids`, or `all: true` (up to `limit`). Scope `transcribe` (own tenant) or `admin`.",
  })
  @ApiResponse({
    status: 200,
    description:
      "`requeued` and each id's outcome (`ambiguous` for an entry id without a partition that two partitions' letters have)",
  })
  @ApiResponse(ERROR_RESPONSES[400])
  @ApiResponse(ERROR_RESPONSES[409])
  @RequireScopes('transcribe')
  @Post('redrive')
  @HttpCode(200)
  async redrive(
    @RequestAuthOf() auth: AuthenticatedRequest,
    @Body() request: RedriveRequest,
    @Auth() actor: RequestAuth,
  ): Promise<{ requeued: number; outcomes: RedriveOutcome[] }> {
    const result = await this.deadLetters.redrive(request, viewedTenant(auth));
    await this.audit.record(actor, 'dead-letters.redrive', {
      ids: result.outcomes.map((o) => o.id),
      requeued: result.requeued,
    });
    return result;
  }
}

const isAdmin = (auth: AuthenticatedRequest) => auth.auth?.scopes.includes('admin') ?? false;
