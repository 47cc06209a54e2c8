import { INestApplication } from '@nestjs/common';
import type Redis from 'ioredis';
import { AddressInfo } from 'node:net';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  RedisHarnessOptions,
  startDeepgramWorker,
} from '@streamscribe/testing';

/**
 * The bootstrap admin key (ADMIN_API_KEY) every test router gets unless a spec sets its own: every
 * scope, tenant `default`. Specs send it with `keyedFetch` and `KEYED`.
 */
export const TEST_ADMIN_API_KEY = 'test-admin-key-0123456789abcdef';

/** `Authorization: Bearer <TEST_ADMIN_API_KEY>`, for ws clients and explicit headers. */
export const KEYED = { authorization: `Bearer ${TEST_ADMIN_API_KEY}` } as const;

/**
 * fetch with the test admin key unless the call sets its own Authorization (use the global
 * `fetch` for anonymous requests). Specs import it as `fetch`, so their calls read as before.
 */
export function keyedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', KEYED.authorization);
  return fetch(input, { ...init, headers });
}

/** A router for an end-to-end spec: in this process, on a free port, with `env` as its settings. */
export interface TestRouter {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Closes the app and removes `env` from process.env again. */
  close(): Promise<void>;
}

export async function startTestRouter(settings: Record<string, string>): Promise<TestRouter> {
  const env = { ADMIN_API_KEY: TEST_ADMIN_API_KEY, ...settings };
  Object.assign(process.env, env);
  // Imported only now: the module reads its settings (REDIS_URL above) when it is loaded.
  const { createRouterApp } = await import('../create-router-app');
  const app = await createRouterApp();
  await app.listen(0, '127.0.0.1');
  return {
    app,
    base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    close: async () => {
      await app.close();
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
  /** Stops everything, router first, then the worker, the fake and Redis. */
  close(): Promise<void>;
}

export async function startRouterStack(
  options: {
    harness?: RedisHarnessOptions;
    worker?: Record<string, string>;
    router?: Record<string, string>;
  } = {},
): Promise<RouterStack> {
  const harness = await RedisHarness.start(options.harness);
  const redis = harness.client();
  const deepgram = await FakeDeepgramServer.start();
  const worker = await startDeepgramWorker(harness.url, deepgram, {
    HEARTBEAT_INTERVAL_MS: '200',
    ...options.worker,
  });
  const router = await startTestRouter({ REDIS_URL: harness.url, LOAD_CACHE_MS: '0', ...options.router });
  return {
    harness,
    redis,
    deepgram,
    worker,
    router,
    base: router.base,
    close: async () => {
      await router.close();
      await worker.stop();
      await deepgram.close();
      redis.disconnect();
      await harness.close();
    },
  };
}
