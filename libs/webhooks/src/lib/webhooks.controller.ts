import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
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
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @RequireScopes('transcribe')
  @Post()
  @HttpCode(201)
  create(@RequestTenant() tenant: string, @Body() body: CreateWebhookBody) {
    return this.webhooks.register(tenant, body.url, body.description);
  }

  @RequireScopes('transcribe')
  @Get()
  async list(@RequestTenant() tenant: string) {
    return { webhooks: await this.webhooks.list(tenant) };
  }

  @RequireScopes('transcribe')
  @Get(':id')
  get(@RequestTenant() tenant: string, @Param('id') id: string) {
    return this.webhooks.get(tenant, id);
  }

  @RequireScopes('transcribe')
  @Delete(':id')
  @HttpCode(200)
  remove(@RequestTenant() tenant: string, @Param('id') id: string) {
    return this.webhooks.remove(tenant, id);
  }

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
