import { Controller, Get } from '@nestjs/common';
import { TranscriptionRouterService } from '@streamscribe/router-core';
import type { CostTotals } from '@streamscribe/sessions';
import { RequireScopes } from '@streamscribe/auth';

@Controller('v1/costs')
export class CostsController {
  constructor(private readonly router: TranscriptionRouterService) {}

  /** What every provider's results have cost, across all sessions. */
  @RequireScopes('read')
  @Get()
  totals(): Promise<CostTotals> {
    return this.router.costTotals();
  }
}
