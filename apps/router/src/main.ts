import 'reflect-metadata';
import {
  ManagementServer,
  createLogger,
  exitCleanlyOnSignals,
  exitOnStartFailure,
} from '@streamscribe/observability';
import { ROUTER_ENVIRONMENT, RouterEnvironment } from '@streamscribe/router-core';
import { createRouterApp } from './create-router-app';

process.env['STREAMSCRIBE_APP'] ??= 'router';

async function main(): Promise<void> {
  const app = await createRouterApp();
  const env = app.get<RouterEnvironment>(ROUTER_ENVIRONMENT);
  await app.listen(env.PORT, env.HOST);
  const management = await ManagementServer.start(app, {
    port: env.MANAGEMENT_PORT,
    host: env.MANAGEMENT_HOST,
  });
  createLogger('bootstrap').info(
    { host: env.HOST, port: env.PORT, managementHost: env.MANAGEMENT_HOST, managementPort: management.port },
    'router ready',
  );
  exitCleanlyOnSignals(app, env.SHUTDOWN_TIMEOUT_MS);
}

main().catch(exitOnStartFailure('router'));
