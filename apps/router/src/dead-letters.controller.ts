import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { DeadLetter, DeadLetterListQuery, RedriveRequest } from '@streamscribe/contracts';
import {
  AdminTokenGuard,
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
@UseGuards(AdminTokenGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterService) {}

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
  redrive(
    @RequestAuthOf() auth: AuthenticatedRequest,
    @Body() request: RedriveRequest,
  ): Promise<{ requeued: number; outcomes: RedriveOutcome[] }> {
    return this.deadLetters.redrive(request, viewedTenant(auth));
  }
}
