import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@streamscribe/auth';
import { RequestTenant } from '@streamscribe/router-core';
import { WebhookService } from './webhook.service';

export class CreateWebhookBody {
  /** Where completions are POSTed; must match WEBHOOK_ALLOWED_DESTINATIONS. */
  @IsString()
  @MaxLength(2048)
  url!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class DeliveriesQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/**
 * A tenant's completion webhooks. Every route acts on the tenant of the request's key (an admin
 * key: its own tenant's); the signing secret appears once, in the answer to the registration.
 */
@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @ApiOperation({
    summary: 'Register a completion webhook',
    description:
      "A finished file or ended session of the key's tenant is POSTed to `url`, signed with HMAC-SHA256 (`Streamscribe-Signature: t=<ts>,v1=<hex>`). The url must match the operator's WEBHOOK_ALLOWED_DESTINATIONS. The signing secret is in this answer only. Scope `transcribe`.",
  })
  @ApiBody({ type: CreateWebhookBody })
  @ApiResponse({ status: 201, description: 'The webhook, with its `secret` (shown once)' })
  @ApiResponse({
    status: 400,
    description: 'A destination outside WEBHOOK_ALLOWED_DESTINATIONS, or a bad body',
  })
  @ApiResponse({ status: 403, description: 'Webhooks are off (WEBHOOK_ALLOWED_DESTINATIONS is empty)' })
  @RequireScopes('transcribe')
  @Post()
  @HttpCode(201)
  create(@RequestTenant() tenant: string, @Body() body: CreateWebhookBody) {
    return this.webhooks.register(tenant, body.url, body.description);
  }

  @ApiOperation({ summary: "The tenant's webhooks", description: 'Without secrets. Scope `transcribe`.' })
  @RequireScopes('transcribe')
  @Get()
  async list(@RequestTenant() tenant: string) {
    return { webhooks: await this.webhooks.list(tenant) };
  }

  @ApiOperation({ summary: 'One webhook', description: 'Without its secret. Scope `transcribe`.' })
  @ApiResponse({ status: 404, description: "No such webhook (or another tenant's)" })
  @RequireScopes('transcribe')
  @Get(':id')
  get(@RequestTenant() tenant: string, @Param('id') id: string) {
    return this.webhooks.get(tenant, id);
  }

  @ApiOperation({
    summary: 'Remove a webhook',
    description: 'Pending deliveries to it stop. Scope `transcribe`.',
  })
  @ApiResponse({ status: 404, description: "No such webhook (or another tenant's)" })
  @RequireScopes('transcribe')
  @Delete(':id')
  @HttpCode(200)
  remove(@RequestTenant() tenant: string, @Param('id') id: string) {
    return this.webhooks.remove(tenant, id);
  }

  @ApiOperation({
    summary: "A webhook's deliveries",
    description:
      'The latest deliveries, newest first, each with every attempt (time, status, error). Scope `transcribe`.',
  })
  @RequireScopes('transcribe')
  @Get(':id/deliveries')
  async deliveries(
    @RequestTenant() tenant: string,
    @Param('id') id: string,
    @Query() query: DeliveriesQuery,
  ) {
    return { deliveries: await this.webhooks.deliveries(tenant, id, query.limit ?? 50) };
  }
}
