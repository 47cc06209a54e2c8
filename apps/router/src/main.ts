import 'reflect-metadata';
import { createLogger, exitCleanlyOnSignals, exitOnStartFailure } from '@streamscribe/observability';
import { ROUTER_ENVIRONMENT, RouterEnvironment } from '@streamscribe/router-core';
import { createRouterApp } from './create-router-app';

process.env['STREAMSCRIBE_APP'] ??= 'router';

async function main(): Promise<void> {
  const app = await createRouterApp();
  const { PORT } = app.get<RouterEnvironment>(ROUTER_ENVIRONMENT);
  await app.listen(PORT, '0.0.0.0');
  createLogger('bootstrap').info({ port: PORT }, 'router ready');
  exitCleanlyOnSignals(app);
}

main().catch(exitOnStartFailure('router'));
