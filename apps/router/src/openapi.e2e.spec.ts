import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisHarness } from '@streamscribe/testing';
import { TestRouter, startTestRouter, keyedFetch } from './testing/router-stack';

jest.setTimeout(60_000);

const COMMITTED = join(__dirname, '../../../openapi.json');

describe('the router serves its OpenAPI document', () => {
  let harness: RedisHarness;
  let router: TestRouter;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    router = await startTestRouter({ REDIS_URL: harness.url });
  });

  afterAll(async () => {
    await router?.close();
    await harness?.close();
  });

  it('at /docs/openapi.json without a key: the committed document', async () => {
    const response = await fetch(`${router.base}/docs/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(readFileSync(COMMITTED, 'utf8')));
  });

  it('with Swagger UI at /docs, pointed at that document', async () => {
    const page = await fetch(`${router.base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('swagger-ui');
    const init = await fetch(`${router.base}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('"summary": "Transcribe a whole file"');
  });

  it('while /v1 routes still need a key', async () => {
    expect((await fetch(`${router.base}/v1/providers`)).status).toBe(401);
    expect((await keyedFetch(`${router.base}/v1/providers`)).status).toBe(200);
  });
});
