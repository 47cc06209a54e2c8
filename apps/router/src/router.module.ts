import { Module } from '@nestjs/common';
import { RouterCoreModule } from '@streamscribe/router-core';
import { LiveResultsGateway } from './live-results.gateway';
import { ProvidersController } from './providers.controller';
import { SessionsController } from './sessions.controller';
import { TranscriptionsController } from './transcriptions.controller';

@Module({
  imports: [RouterCoreModule.forRoot()],
  controllers: [SessionsController, TranscriptionsController, ProvidersController],
  providers: [LiveResultsGateway],
})
export class RouterModule {}
