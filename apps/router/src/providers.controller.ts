import { Controller, Get } from '@nestjs/common';
import { ProviderStatus, ProviderStatusService } from '@streamscribe/router-core';

@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly status: ProviderStatusService) {}

  /** Per provider: live consumers, lag, pending, breaker, latency per audio second, error rate, cost so far. */
  @Get()
  providers(): Promise<{ providers: ProviderStatus[] }> {
    return this.status.status();
  }
}
