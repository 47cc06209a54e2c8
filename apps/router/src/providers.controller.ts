import { Controller, Get } from '@nestjs/common';
import { ProviderStatus, ProviderStatusService } from '@streamscribe/router-core';
import { RequireScopes } from '@streamscribe/auth';

@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly status: ProviderStatusService) {}

  /** Per provider: live consumers, lag, pending, breaker, latency per audio second, error rate, cost so far. */
  @RequireScopes('read')
  @Get()
  providers(): Promise<{ providers: ProviderStatus[] }> {
    return this.status.status();
  }
}
