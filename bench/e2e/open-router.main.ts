// The benchmark's baseline router: the real router's chunk route, without the API-key guard and
// (with QUOTAS_ENABLED=false) without quotas, so `npm run bench:e2e` can quote what authentication
// and quotas cost against the same fabric with both off. Never a way to run streamscribe.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestJsonLogger, createLogger } from '@streamscribe/observability';
import {
  ROUTER_ENVIRONMENT,
  RouterCoreModule,
  RouterEnvironment,
  configureRouterHttp,
} from '@streamscribe/router-core';
import { WebhookService } from '@streamscribe/webhooks';
import { SessionsController } from '../../apps/router/src/sessions.controller';

// WebhookService: the chunk route's controller needs it (POST …/end watches sessions for webhooks).
@Module({
  imports: [RouterCoreModule.forRoot()],
  controllers: [SessionsController],
  providers: [WebhookService],
})
class OpenRouterModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(OpenRouterModule, { logger: new NestJsonLogger(), bodyParser: false });
  configureRouterHttp(app);
  const env = app.get<RouterEnvironment>(ROUTER_ENVIRONMENT);
  await app.listen(env.PORT, '127.0.0.1');
  createLogger('bootstrap').info({ port: env.PORT }, 'router ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
