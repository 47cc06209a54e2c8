import Redis from 'ioredis';
import WebSocket from 'ws';
import { ApiKeyStore } from '@streamscribe/auth';
import type { Scope } from '@streamscribe/contracts';
import { speechWav } from '@streamscribe/testing';
import {
  RouterStack,
  TEST_ADMIN_API_KEY,
  TestRouter,
  startRouterStack,
  startTestRouter,
  keyedFetch as fetch,
} from './testing/router-stack';

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/**
 * Two routers (A with a worker, B beside it) on one Redis. TRUST_PROXY lets each test act from an
 * address of its own (X-Forwarded-For), so failed attempts of one test never throttle another.
 */
const AUTH_SETTINGS = { TRUST_PROXY: 'true', AUTH_FAILURE_LIMIT: '4', AUTH_CACHE_MS: '2000' };

describe('authentication: API keys, scopes, temporary tokens and throttling on every /v1 route', () => {
  let stack: RouterStack;
  let redis: Redis;
  let routerB: TestRouter;
  let base: string;
  const keys: Partial<Record<Scope, string>> = {};

  const anonymous = (path: string, init: RequestInit = {}, address = '10.0.0.1') =>
    globalThis.fetch(`${base}${path}`, {
      ...init,
      headers: { 'x-forwarded-for': address, ...(init.headers as Record<string, string>) },
    });
  const withKey = (key: string, path: string, init: RequestInit = {}, address = '10.0.0.2', at = base) =>
    globalThis.fetch(`${at}${path}`, {
      ...init,
      headers: {
        'x-forwarded-for': address,
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        ...(init.headers as Record<string, string>),
      },
    });
  const createKey = async (body: Body): Promise<Body> => {
    const response = await fetch(`${base}/v1/admin/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Body;
  };
  const wsUrl = (query: string, at = base) => `${at.replace('http', 'ws')}/v1/live?${query}`;
  /** The HTTP status the upgrade was answered with (101 when it opened), and the open socket. */
  const upgrade = (url: string, options: WebSocket.ClientOptions, protocols?: string[]) =>
    new Promise<{ status: number; body: string; socket?: WebSocket; headers?: Body }>((resolve, reject) => {
      const socket = protocols ? new WebSocket(url, protocols, options) : new WebSocket(url, options);
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, headers: response.headers }),
        );
      });
      socket.on('open', () => resolve({ status: 101, body: '', socket }));
      socket.on('error', (error) =>
        error.message.includes('Unexpected server response') ? undefined : reject(error),
      );
    });
  const messagesUntilClose = (socket: WebSocket) =>
    new Promise<Body[]>((resolve) => {
      const messages: Body[] = [];
      socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
      socket.on('close', () => resolve(messages));
    });

  beforeAll(async () => {
    stack = await startRouterStack({ worker: { WORKER_BLOCK_MS: '100' }, router: AUTH_SETTINGS });
    ({ redis, base } = stack);
    routerB = await startTestRouter({ REDIS_URL: stack.harness.url, LOAD_CACHE_MS: '0', ...AUTH_SETTINGS });
    for (const scope of ['transcribe', 'read', 'admin'] as const)
      keys[scope] = (await createKey({ tenant: 'default', scopes: [scope], name: `only ${scope}` }))['key'];
    // A finished session for the live feeds.
    const posted = await fetch(`${base}/v1/sessions/auth-live/chunks`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav('hello'),
    });
    expect(posted.status).toBe(202);
    expect((await fetch(`${base}/v1/sessions/auth-live/end`, { method: 'POST' })).status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (!((await (await fetch(`${base}/v1/sessions/auth-live/transcript`)).json()) as Body)['complete']) {
      if (Date.now() > deadline) throw new Error('session auth-live never completed');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);
  afterAll(async () => {
    await routerB?.close();
    await stack?.close();
  });

  const ROUTES: [method: string, path: string, scope: Scope][] = [
    ['POST', '/v1/transcriptions', 'transcribe'],
    ['POST', '/v1/sessions/s-1/chunks', 'transcribe'],
    ['POST', '/v1/sessions/s-1/end', 'transcribe'],
    ['GET', '/v1/sessions/s-1/transcript', 'read'],
    ['GET', '/v1/sessions/s-1/events', 'read'],
    ['GET', '/v1/sessions/s-1/consensus', 'read'],
    ['GET', '/v1/costs', 'read'],
    ['GET', '/v1/providers', 'read'],
    ['GET', '/v1/dead-letters', 'read'],
    ['GET', '/v1/dead-letters/1-1', 'read'],
    ['POST', '/v1/dead-letters/redrive', 'transcribe'],
    ['GET', '/v1/admin/keys', 'admin'],
    ['POST', '/v1/admin/keys', 'admin'],
    ['POST', '/v1/admin/keys/0123456789abcdef/rotate', 'admin'],
    ['DELETE', '/v1/admin/keys/0123456789abcdef', 'admin'],
    ['DELETE', '/v1/sessions/s-1', 'transcribe'],
    ['GET', '/v1/admin/tenants/acme', 'admin'],
    ['PUT', '/v1/admin/tenants/acme', 'admin'],
    ['DELETE', '/v1/admin/tenants/acme', 'admin'],
  ];

  it.each(ROUTES)(
    '%s %s: 401 without a key, 403 naming the scope without %s',
    async (method, path, scope) => {
      const refused = await anonymous(path, { method });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await refused.json()) as Body)['message']).toMatch(/^send Authorization: Bearer <API key>/);

      const otherKey = keys[scope === 'read' ? 'transcribe' : 'read'] as string;
      const forbidden = await withKey(otherKey, path, { method });
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as Body)['message']).toBe(`this key lacks scope '${scope}'`);

      const allowed = await withKey(keys[scope] as string, path, { method });
      expect([401, 403, 429]).not.toContain(allowed.status);
    },
  );

  it('refuses an anonymous upload before reading its body (the body never ends, the 401 still comes)', async () => {
    const endless = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array(64 * 1024)),
    });
    const refused = await anonymous('/v1/transcriptions', {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as Body)['message']).toMatch(/^send Authorization: Bearer <API key>/);
  });

  it('leaves health and metrics open and refuses the live WebSocket before the upgrade without a key', async () => {
    // On the management port, which takes no key (see SECURITY.md).
    expect((await fetch(`${stack.managementUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${stack.managementUrl}/metrics`)).status).toBe(200);
    const refused = await upgrade(wsUrl('sessionId=auth-live'), {
      headers: { 'x-forwarded-for': '10.0.1.1' },
    });
    expect(refused).toMatchObject({
      status: 401,
      body: expect.stringMatching(/^send Authorization: Bearer/),
    });
    const forbidden = await upgrade(wsUrl('sessionId=auth-live'), {
      headers: { 'x-forwarded-for': '10.0.1.1', authorization: `Bearer ${keys.transcribe}` },
    });
    expect(forbidden).toMatchObject({ status: 403, body: "this key lacks scope 'read'" });
  });

  it('accepts Authorization: Token and the Sec-WebSocket-Protocol form, answering the upgrade with protocol token', async () => {
    const token = await withKey(keys.read as string, '/v1/costs', {
      headers: { authorization: `Token ${keys.read}` },
    });
    expect(token.status).toBe(200);
    const opened = await upgrade(
      wsUrl('sessionId=auth-live'),
      { headers: { 'x-forwarded-for': '10.0.2.1' } },
      ['token', keys.read as string],
    );
    expect(opened.status).toBe(101);
    expect(opened.socket?.protocol).toBe('token');
    const messages = await messagesUntilClose(opened.socket as WebSocket);
    expect(messages.at(-1)).toMatchObject({ event: 'final', data: { text: 'hello' } });
  });

  it('manages keys through the admin API: shown once, listed without secret, 400s that say why, audited', async () => {
    const created = await createKey({
      tenant: 'acme',
      scopes: ['read'],
      name: 'dashboard',
      expiresInSeconds: 3600,
    });
    expect(created).toMatchObject({ tenant: 'acme', scopes: ['read'], name: 'dashboard', state: 'active' });
    expect(created['key']).toMatch(/^ss_[0-9a-f]{16}_/);
    const listed = (await (await fetch(`${base}/v1/admin/keys?tenant=acme`)).json()) as Body;
    expect(listed['keys']).toEqual([expect.objectContaining({ id: created['id'], name: 'dashboard' })]);
    expect(JSON.stringify(listed)).not.toContain(created['key']);

    const bad = await fetch(`${base}/v1/admin/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'Not A Tenant', scopes: ['root'] }),
    });
    expect(bad.status).toBe(400);
    const message = ((await bad.json()) as Body)['message'];
    expect(message).toMatch(/tenant must be 1-63 lower-case/);
    expect(message).toMatch(/each scope must be one of: transcribe, read, admin/);

    const audit = await redis.xrange('streamscribe:audit', '-', '+');
    expect(audit.map(([, fields]) => fields[fields.indexOf('action') + 1])).toContain('keys.create');
    expect(JSON.stringify(audit)).not.toContain(created['key'].split('_').slice(2).join('_'));
  });

  it('refuses revoked, rotated-out, unknown and expired keys, revoked at once here and within AUTH_CACHE_MS on the other router', async () => {
    const { key, id } = await createKey({ tenant: 'acme', scopes: ['read'], name: 'to revoke' });
    expect((await withKey(key, '/v1/costs')).status).toBe(200);
    expect((await withKey(key, '/v1/costs', {}, '10.0.3.1', routerB.base)).status).toBe(200); // B caches it

    expect((await fetch(`${base}/v1/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(200);
    const revoked = await withKey(key, '/v1/costs', {}, '10.0.3.2');
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as Body)['message']).toBe('API key revoked');
    const deadline = Date.now() + 2000 + 15_000; // AUTH_CACHE_MS, plus room for a slow machine
    while ((await withKey(key, '/v1/costs', {}, '10.0.3.3', routerB.base)).status === 200) {
      if (Date.now() > deadline) throw new Error('router B kept accepting a revoked key');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const unknown = await withKey(`${key.slice(0, -4)}AAAA`, '/v1/costs', {}, '10.0.3.4');
    expect(((await unknown.json()) as Body)['message']).toBe('API key not recognised');

    const rotating = await createKey({ tenant: 'acme', scopes: ['read'], name: 'to rotate' });
    const rotated = (await (
      await fetch(`${base}/v1/admin/keys/${rotating['id']}/rotate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({}),
      })
    ).json()) as Body;
    expect(rotated).toMatchObject({ name: 'to rotate', replaced: { id: rotating['id'], state: 'revoked' } });
    expect((await withKey(rotated['key'], '/v1/costs', {}, '10.0.3.5')).status).toBe(200);
    expect((await withKey(rotating['key'], '/v1/costs', {}, '10.0.3.5')).status).toBe(401);

    // A key that expired a minute ago (written with a clock two minutes back).
    const expired = await new ApiKeyStore(redis, 0, () => Date.now() - 120_000).create({
      tenant: 'acme',
      scopes: ['read'],
      name: 'expired',
      expiresInSeconds: 60,
    });
    const refused = await withKey(expired.key, '/v1/costs', {}, '10.0.3.6');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as Body)['message']).toBe('API key expired');
  });

  it('a temporary token opens one SSE stream and one WebSocket, once each, with the minting key’s scopes', async () => {
    const mint = async (seconds?: number) => {
      const response = await withKey(keys.read as string, `/v1/auth/tokens`, {
        method: 'POST',
        body: JSON.stringify(seconds === undefined ? {} : { expiresInSeconds: seconds }),
      });
      return { status: response.status, body: (await response.json()) as Body };
    };
    expect((await mint(601)).status).toBe(400);
    const sse = await mint(120);
    expect(sse.body).toMatchObject({ scopes: ['read'], singleUse: true, expiresInSeconds: 120 });

    const first = await anonymous(`/v1/sessions/auth-live/events?token=${sse.body['token']}`, {}, '10.0.4.1');
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/event: final/);
    const again = await anonymous(`/v1/sessions/auth-live/events?token=${sse.body['token']}`, {}, '10.0.4.1');
    expect(again.status).toBe(401);
    expect(((await again.json()) as Body)['message']).toBe(
      'temporary token unknown, expired or already used',
    );
    // Only the feeds take ?token=.
    const ws = (await mint()).body['token'];
    expect((await anonymous(`/v1/costs?token=${ws}`, {}, '10.0.4.1')).status).toBe(401);

    const opened = await upgrade(wsUrl(`sessionId=auth-live&token=${ws}`), {
      headers: { 'x-forwarded-for': '10.0.4.2' },
    });
    expect(opened.status).toBe(101);
    expect((await messagesUntilClose(opened.socket as WebSocket)).at(-1)).toMatchObject({ event: 'final' });
    const reused = await upgrade(wsUrl(`sessionId=auth-live&token=${ws}`, routerB.base), {
      headers: { 'x-forwarded-for': '10.0.4.2' },
    });
    expect(reused.status).toBe(401);

    const transcribeOnly = await withKey(keys.transcribe as string, '/v1/auth/tokens', { method: 'POST' });
    const narrow = ((await transcribeOnly.json()) as Body)['token'];
    const noRead = await anonymous(`/v1/sessions/auth-live/events?token=${narrow}`, {}, '10.0.4.3');
    expect(noRead.status).toBe(403);
    expect(((await noRead.json()) as Body)['message']).toBe("this token lacks scope 'read'");
  });

  it('throttles failed attempts per client address across both routers: 429 with Retry-After, even for the right bootstrap key', async () => {
    const address = '10.0.5.1';
    for (const at of [base, base, routerB.base, routerB.base])
      expect((await withKey('ss_0000000000000000_wrong', '/v1/costs', {}, address, at)).status).toBe(401);
    for (const at of [base, routerB.base]) {
      const throttled = await withKey(TEST_ADMIN_API_KEY, '/v1/costs', {}, address, at);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await throttled.json()) as Body)['message']).toMatch(
        /too many failed authentication attempts/,
      );
      expect((await withKey('ss_0000000000000000_wrong', '/v1/costs', {}, address, at)).status).toBe(429);
    }
    const upgradeThrottled = await upgrade(wsUrl('sessionId=auth-live'), {
      headers: { 'x-forwarded-for': address, authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
    });
    expect(upgradeThrottled.status).toBe(429);
    // A stored key (256 random bits, not guessable) still works from there; other addresses are untouched.
    expect((await withKey(keys.read as string, '/v1/costs', {}, address)).status).toBe(200);
    expect((await withKey(TEST_ADMIN_API_KEY, '/v1/costs', {}, '10.0.5.2')).status).toBe(200);
  });
});
