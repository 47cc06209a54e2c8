import { Module } from '@nestjs/common';
import { RouterCoreModule } from '@streamscribe/router-core';
import { DeadLettersController } from './dead-letters.controller';
import { CostsController } from './costs.controller';
import { LiveResultsGateway } from './live-results.gateway';
import { ProvidersController } from './providers.controller';
import { SessionsController } from './sessions.controller';
import { TenantsController } from './tenants.controller';
import { TranscriptionsController } from './transcriptions.controller';

@Module({
  imports: [RouterCoreModule.forRoot()],
  controllers: [
    SessionsController,
    TranscriptionsController,
    ProvidersController,
    DeadLettersController,
    CostsController,
    TenantsController,
  ],
  providers: [LiveResultsGateway],
})
export class RouterModule {}
