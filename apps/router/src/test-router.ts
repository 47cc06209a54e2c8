import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';

/** A router for an end-to-end spec: in this process, on a free port, with `env` as its settings. */
export interface TestRouter {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Closes the app and removes `env` from process.env again. */
  close(): Promise<void>;
}

export async function startTestRouter(env: Record<string, string>): Promise<TestRouter> {
  Object.assign(process.env, env);
  // Imported only now: the module reads its settings (REDIS_URL above) when it is loaded.
  const { createRouterApp } = await import('./create-router-app');
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
