import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { RequestAuth } from '@streamscribe/contracts';
import {
  ProviderStatus,
  ProviderStatusService,
  PublicProviderStatus,
  publicProviderStatus,
} from '@streamscribe/router-core';
import { RequireScopes } from '@streamscribe/auth';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

@ApiTags('providers')
@Controller('v1/providers')
export class ProvidersController {
  constructor(private readonly status: ProviderStatusService) {}

  /**
   * Per provider. An `admin` key sees the operator's view: live consumers, lag, pending, breaker
   * reason, error rate, calls, cost so far. Any other key sees availability, breaker state,
   * latency, price and capabilities (PublicProviderStatus). The authentication guard marks every
   * request; an unmarked one gets the public view (fail closed).
   */
  @ApiOperation({
    summary: 'Provider status',
    description:
      "Per provider: availability, breaker state, latency, price and capabilities. An `admin` key sees the operator's view too: consumers, lag, pending, breaker reason, error rate, calls, cost. Scope `read`.",
  })
  @ApiResponse({ status: 200, description: '`{ providers: [...] }`' })
  @RequireScopes('read')
  @Get()
  async providers(
    @Req() request: Request & { auth?: RequestAuth },
  ): Promise<{ providers: Array<ProviderStatus | PublicProviderStatus> }> {
    const { providers } = await this.status.status();
    const operator = request.auth?.scopes.includes('admin') ?? false;
    return { providers: operator ? providers : providers.map(publicProviderStatus) };
  }
}
