import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { RequestAuth } from '@streamscribe/contracts';
import {
  ProviderStatus,
  ProviderStatusService,
  PublicProviderStatus,
  publicProviderStatus,
} from '@streamscribe/router-core';

@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly status: ProviderStatusService) {}

  /**
   * Per provider. An `admin` key sees the operator's view: live consumers, lag, pending, breaker
   * reason, error rate, calls, cost so far. Any other key sees availability, breaker state,
   * latency, price and capabilities (PublicProviderStatus). A request the authentication guard
   * has not marked (no `request.auth`: no guard installed) gets the operator's view, as before keys.
   */
  @Get()
  async providers(
    @Req() request: Request & { auth?: RequestAuth },
  ): Promise<{ providers: Array<ProviderStatus | PublicProviderStatus> }> {
    const { providers } = await this.status.status();
    const operator = !request.auth || request.auth.scopes.includes('admin');
    return { providers: operator ? providers : providers.map(publicProviderStatus) };
  }
}
