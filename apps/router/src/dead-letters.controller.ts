import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { DeadLetter, DeadLetterListQuery, RedriveRequest, RequestAuth } from '@streamscribe/contracts';
import { Auth, AuditLog, RequireScopes } from '@streamscribe/auth';
import { DeadLetterService } from '@streamscribe/router-core';
import type { DeadLetterPage, RedriveOutcome } from '@streamscribe/fleet';

/** Operator endpoints: what is in `transcription:dead-letters`, and putting it back. */
@Controller('v1/dead-letters')
@RequireScopes('admin')
export class DeadLettersController {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  list(@Query() query: DeadLetterListQuery): Promise<DeadLetterPage> {
    return this.deadLetters.list(query);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<DeadLetter> {
    const letter = /^\d+-\d+$/.test(id) ? await this.deadLetters.get(id) : undefined;
    if (!letter) throw new NotFoundException(`no dead letter ${id}`);
    return letter;
  }

  @Post('redrive')
  @HttpCode(200)
  async redrive(
    @Body() request: RedriveRequest,
    @Auth() actor: RequestAuth,
  ): Promise<{ requeued: number; outcomes: RedriveOutcome[] }> {
    const result = await this.deadLetters.redrive(request);
    await this.audit.record(actor, 'dead-letters.redrive', {
      ids: result.outcomes.map((o) => o.id),
      requeued: result.requeued,
    });
    return result;
  }
}
