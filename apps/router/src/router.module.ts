import { Module } from '@nestjs/common';
import { RouterCoreModule } from '@streamscribe/router-core';
import { SessionsController } from './sessions.controller';
import { TranscriptionsController } from './transcriptions.controller';

@Module({
  imports: [RouterCoreModule.forRoot()],
  controllers: [SessionsController, TranscriptionsController],
})
export class RouterModule {}
