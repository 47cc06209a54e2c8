import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { DeadLetter, DeadLetterListQuery, RedriveRequest, RequestAuth } from '@streamscribe/contracts';
import { Auth, AuditLog, RequireScopes } from '@streamscribe/auth';
import {
  AuthenticatedRequest,
  DeadLetterService,
  RequestAuthOf,
  viewedTenant,
} from '@streamscribe/router-core';
import type { DeadLetterPage, RedriveOutcome } from '@streamscribe/fleet';

/**
 * Operator endpoints: what is in `transcription:dead-letters`, and putting it back. A key without
 * admin scope sees and re-drives its own tenant's letters only; an admin sees every tenant's, or
 * one tenant's with `?tenant=`.
 */
@Controller('v1/dead-letters')
@RequireScopes('admin')
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  list(
    @RequestAuthOf() auth: AuthenticatedRequest,
    @Query() query: DeadLetterListQuery,
  ): Promise<DeadLetterPage> {
    return this.deadLetters.list(query, viewedTenant(auth, query.tenant));
  }

  @Get(':id')
  async get(@RequestAuthOf() auth: AuthenticatedRequest, @Param('id') id: string): Promise<DeadLetter> {
    const letter = /^\d+-\d+$/.test(id) ? await this.deadLetters.get(id, viewedTenant(auth)) : undefined;
    if (!letter) throw new NotFoundException(`no dead letter ${id}`);
    return letter;
  }

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
