import { Module } from '@nestjs/common';
import { AuthModule } from '@streamscribe/auth';
import { DeepgramListenController, DeepgramListenGateway } from '@streamscribe/deepgram-compat';
import { OpenAiTranscriptionsController } from '@streamscribe/openai-compat';
import { ROUTER_REDIS, RouterCoreModule } from '@streamscribe/router-core';
import { WebhookService, WebhooksController } from '@streamscribe/webhooks';
import { AdminKeysController } from './admin-keys.controller';
import { AuthTokensController } from './auth-tokens.controller';
import { DeadLettersController } from './dead-letters.controller';
import { CostsController } from './costs.controller';
import { LiveResultsGateway } from './live-results.gateway';
import { ProvidersController } from './providers.controller';
import { SessionsController } from './sessions.controller';
import { TenantsController } from './tenants.controller';
import { TranscriptionsController } from './transcriptions.controller';

/** One instance, imported by AuthModule too, for the router's Redis connection. */
const routerCore = RouterCoreModule.forRoot();

@Module({
  imports: [routerCore, AuthModule.forRoot({ imports: [routerCore], redis: ROUTER_REDIS })],
  controllers: [
    SessionsController,
    TranscriptionsController,
    ProvidersController,
    DeadLettersController,
    CostsController,
    AdminKeysController,
    AuthTokensController,
    TenantsController,
    DeepgramListenController,
    OpenAiTranscriptionsController,
    WebhooksController,
  ],
  // Deepgram's live API (WebSocket /v1/listen) next to our live results feed (/v1/live).
  providers: [LiveResultsGateway, DeepgramListenGateway, WebhookService],
})
export class RouterModule {}
