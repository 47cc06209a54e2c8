import { Module } from '@nestjs/common';
import { RouterCoreModule } from '@streamscribe/router-core';
import { DeadLettersController } from './dead-letters.controller';
import { CostsController } from './costs.controller';
import { SessionsController } from './sessions.controller';
import { TranscriptionsController } from './transcriptions.controller';

@Module({
  imports: [RouterCoreModule.forRoot()],
  controllers: [SessionsController, TranscriptionsController, DeadLettersController, CostsController],
})
export class RouterModule {}
