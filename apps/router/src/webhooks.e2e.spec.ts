import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TEST_ADMIN_API_KEY, keyedFetch as fetch, speechWav } from '@streamscribe/testing';
import { verifyWebhookSignature, webhookKeys } from '@streamscribe/webhooks';
import { RouterStack, startRouterStack, startTestRouter } from './testing/router-stack';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const json = (response: Response) => response.json() as Promise<Body>;

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(90_000);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/**
 * A tenant's HTTP endpoint: records every POST; `plan[path]` lists the statuses its next requests
 * get (then 200).
 */
class Receiver {
  readonly received: Received[] = [];
  readonly plan: Record<string, number[]> = {};
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const receiver: Receiver = new Receiver(
      createServer((request, response) => {
        const parts: Buffer[] = [];
        request.on('data', (part: Buffer) => parts.push(part));
        request.on('end', () => {
          const path = request.url ?? '/';
          const answered = receiver.plan[path]?.shift() ?? 200;
          receiver.received.push({
            path,
            headers: request.headers,
            body: Buffer.concat(parts).toString(),
            answered,
          });
          response.writeHead(answered, { connection: 'close' }).end();
        });
      }),
    );
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((request) => request.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let tries = 0; tries < 600; tries++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('completion webhooks: router + worker-deepgram on real Redis, a local receiver', () => {
  let stack: RouterStack;
  let receiver: Receiver;
  let base: string;
  let acmeKey: string;
  const settings = () => ({
    WEBHOOK_ALLOWED_DESTINATIONS: `${receiver.origin}, *.hooks.example.com`,
    WEBHOOK_POLL_MS: '50',
    WEBHOOK_BACKOFF_MS: '200',
    WEBHOOK_MAX_ATTEMPTS: '3',
  });

  beforeAll(async () => {
    receiver = await Receiver.start();
    stack = await startRouterStack({ worker: { WORKER_BLOCK_MS: '200' }, router: settings() });
    base = stack.base;
    const created = await fetch(`${base}/v1/admin/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'acme', scopes: ['transcribe', 'read'], name: 'webhooks e2e' }),
    });
    expect(created.status).toBe(201);
    acmeKey = (await json(created)).key;
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  const register = (url: string, key = TEST_ADMIN_API_KEY) =>
    fetch(`${base}/v1/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ url, description: 'e2e' }),
    });
  const deliveries = async (id: string) =>
    (await json(await fetch(`${base}/v1/webhooks/${id}/deliveries`))).deliveries as Body[];
  const remove = (id: string) => fetch(`${base}/v1/webhooks/${id}`, { method: 'DELETE' });
  const transcribeFile = (text: string) =>
    fetch(`${base}/v1/transcriptions?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav(text),
    });

  it('registers only allowed destinations, shows the secret once, and keeps tenants apart', async () => {
    const refused = await register('http://169.254.169.254/latest/meta-data');
    expect(refused.status).toBe(400);
    expect(await json(refused)).toMatchObject({ code: 'webhook_destination_not_allowed' });
    // A host pattern admits https only, and the origin entry only its own scheme and port.
    expect((await register('http://x.hooks.example.com/in')).status).toBe(400);
    expect((await register(`${receiver.origin.replace('http:', 'https:')}/in`)).status).toBe(400);
    expect((await register('not a url')).status).toBe(400);

    const created = await register('https://a.hooks.example.com/in');
    expect(created.status).toBe(201);
    const webhook = await json(created);
    expect(webhook).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      secret: expect.stringMatching(/^whsec_/),
    });
    const listed = await json(await fetch(`${base}/v1/webhooks`));
    expect(listed.webhooks).toEqual([
      {
        id: webhook.id,
        url: 'https://a.hooks.example.com/in',
        description: 'e2e',
        createdAt: webhook.createdAt,
      },
    ]);
    const acme = { authorization: `Bearer ${acmeKey}` };
    expect((await json(await fetch(`${base}/v1/webhooks`, { headers: acme }))).webhooks).toEqual([]);
    expect((await fetch(`${base}/v1/webhooks/${webhook.id}`, { headers: acme })).status).toBe(404);
    expect(
      (await fetch(`${base}/v1/webhooks/${webhook.id}`, { method: 'DELETE', headers: acme })).status,
    ).toBe(404);
    expect((await remove(webhook.id)).status).toBe(200);
    expect((await json(await fetch(`${base}/v1/webhooks`))).webhooks).toEqual([]);
  });

  it('POSTs a finished file, signed, retrying after 500s with the attempts visible', async () => {
    const webhook = await json(await register(`${receiver.origin}/flaky`));
    receiver.plan['/flaky'] = [500, 503];
    const file = await transcribeFile('quetzalcoatlus');
    expect(file.status).toBe(200);
    const { sessionId } = await json(file);

    const done = await until('a delivery answered 200', () =>
      receiver.at('/flaky').find((request) => request.answered === 200),
    );
    expect(receiver.at('/flaky').map((request) => request.answered)).toEqual([500, 503, 200]);
    // Each attempt is signed afresh over `<t>.<body>` with the secret from the registration.
    const now = Math.floor(Date.now() / 1000);
    for (const request of receiver.at('/flaky')) {
      const signature = request.headers['streamscribe-signature'] as string;
      expect(verifyWebhookSignature(webhook.secret, request.body, signature, now)).toBe(true);
      expect(verifyWebhookSignature('whsec_wrong', request.body, signature, now)).toBe(false);
      expect(
        verifyWebhookSignature(webhook.secret, request.body.replace('quetz', 'kwetz'), signature, now),
      ).toBe(false);
    }
    const payload = JSON.parse(done.body);
    expect(payload).toMatchObject({
      type: 'transcription.completed',
      webhookId: webhook.id,
      data: { tenant: 'default', sessionId, kind: 'file', text: 'quetzalcoatlus', failedCount: 0 },
    });
    expect(done.headers['streamscribe-delivery']).toBe(payload.id);
    // The same delivery id on every attempt: receivers dedupe on it.
    expect(
      new Set(receiver.at('/flaky').map((request) => request.headers['streamscribe-delivery'])).size,
    ).toBe(1);

    const [delivery] = await until('the delivery marked delivered', async () => {
      const list = await deliveries(webhook.id);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    expect(delivery).toMatchObject({ id: payload.id, sessionId, status: 'delivered' });
    expect(delivery.attempts.map((attempt: Body) => attempt.status)).toEqual([500, 503, 200]);
    expect(await remove(webhook.id)).toHaveProperty('status', 200);
  });

  it('delivers an ended session once, gives up after WEBHOOK_MAX_ATTEMPTS, and counts both', async () => {
    const good = await json(await register(`${receiver.origin}/good`));
    const down = await json(await register(`${receiver.origin}/down`));
    receiver.plan['/down'] = [500, 500, 500, 500, 500];
    const chunk = await fetch(`${base}/v1/sessions/live-one/chunks`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav('hallucigenia'),
    });
    expect(chunk.status).toBe(202);
    expect((await fetch(`${base}/v1/sessions/live-one/end`, { method: 'POST' })).status).toBe(200);

    await until('the good delivery', () => receiver.at('/good')[0]);
    expect(JSON.parse(receiver.at('/good')[0].body).data).toMatchObject({
      sessionId: 'live-one',
      kind: 'session',
      text: 'hallucigenia',
    });
    const [failed] = await until('the failing delivery to give up', async () => {
      const list = await deliveries(down.id);
      return list[0]?.status === 'failed' ? list : undefined;
    });
    expect(failed.attempts.map((attempt: Body) => attempt.status)).toEqual([500, 500, 500]);
    expect(receiver.at('/down')).toHaveLength(3);

    // Ending it again is a second completion of the same session: no second delivery.
    expect((await fetch(`${base}/v1/sessions/live-one/end`, { method: 'POST' })).status).toBe(200);
    await until('the watch list to empty', async () =>
      (await stack.redis.zcard(webhookKeys.watched())) === 0 ? true : undefined,
    );
    await until('nothing due', async () =>
      (await stack.redis.zcard(webhookKeys.due())) === 0 ? true : undefined,
    );
    expect(receiver.at('/good')).toHaveLength(1);

    const metrics = await (await globalThis.fetch(`${stack.managementUrl}/metrics`)).text();
    expect(metrics).toMatch(/streamscribe_webhook_deliveries_total\{result="failed"\} [1-9]/);
    expect(metrics).toMatch(/streamscribe_webhook_deliveries_total\{result="delivered"\} [1-9]/);
    expect(metrics).toMatch(/streamscribe_webhook_attempts_total\{outcome="http_error"\} [1-9]/);
    await remove(good.id);
    await remove(down.id);
  });

  it('continues a delivery after a router restart', async () => {
    // A router whose retry waits long enough to be stopped before it comes.
    await stack.router.close();
    stack.router = await startTestRouter({
      REDIS_URL: stack.harness.url,
      LOAD_CACHE_MS: '0',
      ...settings(),
      WEBHOOK_BACKOFF_MS: '3000',
    });
    base = stack.router.base;
    const webhook = await json(await register(`${receiver.origin}/restart`));
    receiver.plan['/restart'] = [500];
    expect((await transcribeFile('anomalocaris')).status).toBe(200);
    await until('the first attempt', () => receiver.at('/restart')[0]);
    await stack.router.close();
    expect(receiver.at('/restart').map((request) => request.answered)).toEqual([500]);
    expect(await stack.redis.zcard(webhookKeys.due())).toBe(1);

    stack.router = await startTestRouter({ REDIS_URL: stack.harness.url, LOAD_CACHE_MS: '0', ...settings() });
    base = stack.router.base;
    await until('the retry after the restart', () => receiver.at('/restart')[1]);
    expect(receiver.at('/restart').map((request) => request.answered)).toEqual([500, 200]);
    const [delivery] = await until('delivered', async () => {
      const list = await deliveries(webhook.id);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    expect(delivery.attempts).toHaveLength(2);
    expect(JSON.parse(receiver.at('/restart')[1].body).data.text).toBe('anomalocaris');
  });
});
