import { INestApplication } from '@nestjs/common';
import type Redis from 'ioredis';
import { AddressInfo } from 'node:net';
import { ManagementServer } from '@streamscribe/observability';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  RedisHarnessOptions,
  TEST_ADMIN_API_KEY,
  startDeepgramWorker,
} from '@streamscribe/testing';

export { KEYED, TEST_ADMIN_API_KEY, keyedFetch } from '@streamscribe/testing';

/**
 * A router for an end-to-end spec: in this process, on a free port, with `settings` (and
 * ADMIN_API_KEY=TEST_ADMIN_API_KEY unless they set their own).
 */
export interface TestRouter {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The management server (/metrics, /health/*): `http://127.0.0.1:<port>` */
  managementUrl: string;
  /** Closes the app and removes `env` from process.env again. */
  close(): Promise<void>;
}

export async function startTestRouter(
  settings: Record<string, string>,
  options: { beforeListen?: (app: INestApplication) => void } = {},
): Promise<TestRouter> {
  const env = { ADMIN_API_KEY: TEST_ADMIN_API_KEY, ...settings };
  Object.assign(process.env, env);
  // Imported only now: the module reads its settings (REDIS_URL above) when it is loaded.
  const { createRouterApp } = await import('../create-router-app');
  const app = await createRouterApp();
  options.beforeListen?.(app);
  await app.listen(0, '127.0.0.1');
  const management = await ManagementServer.start(app, { port: 0, host: '127.0.0.1' });
  return {
    app,
    base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    managementUrl: management.url,
    close: async () => {
      await app.close();
      await management.close();
      for (const name of Object.keys(env)) delete process.env[name];
    },
  };
}

/** Redis, a fake Deepgram, a worker-deepgram process and the router: what router e2e specs run on. */
export interface RouterStack {
  harness: RedisHarness;
  /** A client of the stack's Redis, for assertions. */
  redis: Redis;
  deepgram: FakeDeepgramServer;
  worker: AppProcess;
  router: TestRouter;
  base: string;
  managementUrl: string;
  /** Stops everything, router first (`router`, as it is then), then the worker, the fake and Redis. */
  close(): Promise<void>;
}

export async function startRouterStack(
  options: {
    harness?: RedisHarnessOptions;
    worker?: Record<string, string>;
    router?: Record<string, string>;
    beforeListen?: (app: INestApplication) => void;
  } = {},
): Promise<RouterStack> {
  const harness = await RedisHarness.start(options.harness);
  const redis = harness.client();
  const deepgram = await FakeDeepgramServer.start();
  const worker = await startDeepgramWorker(harness.url, deepgram, {
    HEARTBEAT_INTERVAL_MS: '200',
    ...options.worker,
  });
  const router = await startTestRouter(
    { REDIS_URL: harness.url, LOAD_CACHE_MS: '0', ...options.router },
    { beforeListen: options.beforeListen },
  );
  const stack: RouterStack = {
    harness,
    redis,
    deepgram,
    worker,
    router,
    base: router.base,
    managementUrl: router.managementUrl,
    close: async () => {
      // The router now: a spec that restarted it put the new one in `stack.router`.
      await stack.router.close();
      await worker.stop();
      await deepgram.close();
      redis.disconnect();
      await harness.close();
    },
  };
  return stack;
}
