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
import { AdminTokenGuard, DeadLetterService } from '@streamscribe/router-core';
import type { DeadLetterPage, RedriveOutcome } from '@streamscribe/fleet';

/** Operator endpoints: what is in `transcription:dead-letters`, and putting it back. */
@Controller('v1/dead-letters')
@UseGuards(AdminTokenGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetterService) {}

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
  redrive(@Body() request: RedriveRequest): Promise<{ requeued: number; outcomes: RedriveOutcome[] }> {
    return this.deadLetters.redrive(request);
  }
}
